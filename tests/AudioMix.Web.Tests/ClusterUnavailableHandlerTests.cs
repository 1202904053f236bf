using AudioMix.Web.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;

namespace AudioMix.Web.Tests;

/// <summary>A grain call that fails while the cluster heals answers 503 with Retry-After, not 500.</summary>
public sealed class ClusterUnavailableHandlerTests
{
    [Fact]
    public async Task Transient_cluster_failures_become_503_with_retry_after_and_other_errors_are_left_alone()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var handler = new ClusterUnavailableHandler(services.GetRequiredService<IProblemDetailsService>(), NullLogger<ClusterUnavailableHandler>.Instance);
        foreach (var transient in new Exception[] { new SiloUnavailableException("silo gone"), new TimeoutException("30 s"), new AggregateException(new SiloUnavailableException("rejected")) })
        {
            var context = new DefaultHttpContext { RequestServices = services };
            context.Response.Body = new MemoryStream();
            Assert.True(await handler.TryHandleAsync(context, transient, TestContext.Current.CancellationToken));
            Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
            Assert.Equal("5", context.Response.Headers.RetryAfter.ToString());
            context.Response.Body.Position = 0;
            Assert.Contains("briefly unavailable", await new StreamReader(context.Response.Body).ReadToEndAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        var other = new DefaultHttpContext { RequestServices = services };
        Assert.False(await handler.TryHandleAsync(other, new InvalidOperationException("a bug"), TestContext.Current.CancellationToken));
        Assert.Equal(StatusCodes.Status200OK, other.Response.StatusCode);
    }
}
