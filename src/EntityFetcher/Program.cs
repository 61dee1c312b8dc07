using MetaAdsSync.Storage;
using MetaAdsSync.EntityFetcher;
using MetaAdsSync.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddStorage(ConnectionBudget.EntityFetcher);
builder.AddEntityFetcher();
builder.AddMessaging(x => x.AddEntityFetcherConsumers(), EntityFetcherExtensions.WarmUp);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
