using AudioMix.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddAudioMixWeb();

var app = builder.Build();
app.MapAudioMixWeb();
try
{
    app.Run();
}
catch (Exception ex) when (ex is AudioMix.Web.Security.InsecureBindingException || ex.InnerException is AudioMix.Web.Security.InsecureBindingException)
{
    // Auth mode None on a non-loopback address: the reason names AudioMix:Auth:Mode; refuse to run.
    Console.Error.WriteLine(ex.InnerException?.Message ?? ex.Message);
    return 2;
}

return 0;

/// <summary>Entry point, visible to the integration tests' host factory.</summary>
public partial class Program;
