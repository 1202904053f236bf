namespace AudioMix.Grains;

/// <summary>Which failures of a grain call are the cluster healing (a silo died, a gateway is saturated) rather than a bug.</summary>
public static class ClusterFaults
{
    /// <summary>
    /// True for what a call raises while a silo is gone and not yet declared dead, or overloaded: retrying after a few
    /// seconds reaches a re-activated grain.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or ClientNotAvailableException or GatewayTooBusyException => true,
        Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException => true,
        AggregateException { InnerExceptions.Count: 1 } aggregate => IsTransient(aggregate.InnerExceptions[0]),
        _ => false,
    };
}
