namespace EdgeMlops.CloudHub.Broker;

/// <summary>The hub's messaging side as health checks and the ready line see it.</summary>
public interface IBrokerStatus
{
    /// <summary><c>embedded</c> or <c>external</c>.</summary>
    string Mode { get; }

    /// <summary>Where devices connect: the embedded broker's listen address or the external broker's URL.</summary>
    string Endpoint { get; }

    /// <summary>Whether devices' messages reach the hub right now (broker listening, or connected and subscribed).</summary>
    bool IsUp { get; }

    /// <summary>Why <see cref="IsUp"/> is false, for the health endpoint.</summary>
    string? Problem { get; }
}
