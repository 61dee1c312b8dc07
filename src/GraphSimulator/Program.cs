using MetaAdsSync.GraphSimulator;

var app = SimulatorApp.Build(args);
await app.RunAsync();
