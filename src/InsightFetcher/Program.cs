using MetaAdsSync.Storage;
using MetaAdsSync.InsightFetcher;
using MetaAdsSync.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddStorage(ConnectionBudget.InsightFetcher);
builder.AddInsightFetcher();
builder.AddMessaging(x => x.AddInsightFetcherConsumers(), InsightFetcherExtensions.WarmUp);

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
