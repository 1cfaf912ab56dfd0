namespace EdgeMlops.Contracts;

/// <summary>A per-device topic taken apart: whose it is and which channel.</summary>
public readonly record struct DeviceTopic(string DeviceId, DeviceChannel Channel);
