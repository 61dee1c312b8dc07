using MetaAdsSync.Storage;
using MetaAdsSync.Gateway;
using MetaAdsSync.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddStorage(ConnectionBudget.Gateway);
builder.AddGateway();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGateway();
app.Run();

public partial class Program;
