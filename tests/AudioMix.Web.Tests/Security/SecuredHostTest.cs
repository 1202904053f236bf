namespace AudioMix.Web.Tests.Security;

/// <summary>A test class over its own real host in ApiKey mode (<see cref="SecuredPlatform.Settings"/> plus <c>more</c>), started and deleted around it.</summary>
public abstract class SecuredHostTest(params (string Key, string? Value)[] more) : IAsyncLifetime
{
    protected PlatformFactory Factory { get; } = new(settings: SecuredPlatform.Settings(more));

    public ValueTask InitializeAsync()
    {
        Factory.StartServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        Factory.DeleteData();
        GC.SuppressFinalize(this);
    }
}
