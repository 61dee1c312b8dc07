using MetaAdsSync.Storage;
using MetaAdsSync.Orchestrator;
using MetaAdsSync.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddStorage(ConnectionBudget.Orchestrator);
builder.AddOrchestrator();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
