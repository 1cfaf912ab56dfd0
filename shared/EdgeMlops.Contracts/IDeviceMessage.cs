namespace EdgeMlops.Contracts;

/// <summary>A versioned message published by one device.</summary>
public interface IDeviceMessage
{
    /// <summary>Message version; <see cref="ContractVersion.Current"/> when written by this build.</summary>
    int V { get; }

    /// <summary>The device that produced the message; must match the device in the topic it arrived on.</summary>
    string DeviceId { get; }
}
