using AudioMix.Web.Tests.Infrastructure;

namespace AudioMix.Web.Tests.Security;

/// <summary>A test class over its own real host in ApiKey mode (<see cref="SecuredPlatform.Settings"/> plus <c>more</c>), started and deleted around it.</summary>
public abstract class SecuredHostTest(params (string Key, string? Value)[] more) : PlatformTest(new PlatformFactory(settings: SecuredPlatform.Settings(more)));
