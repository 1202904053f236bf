using AudioMix.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddAudioMixWeb();

var app = builder.Build();
app.MapAudioMixWeb();
app.Run();

/// <summary>Entry point, visible to the integration tests' host factory.</summary>
public partial class Program;
