using AudioMix.Silo;

var builder = Host.CreateApplicationBuilder(args);
builder.AddAudioMixSilo();
await builder.Build().RunAsync();
