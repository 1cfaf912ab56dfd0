namespace EdgeMlops.Contracts;

/// <summary>
/// Every MQTT topic the system uses, built in one place:
/// <c>edgemlops/v1/devices/{deviceId}/{telemetry|samples|status|reported|desired}</c> and <c>edgemlops/v1/alerts/{name}</c>.
/// </summary>
public static class Topics
{
    /// <summary>The root of every topic; its version level changes only with an incompatible topic layout.</summary>
    public const string Root = "edgemlops/v1";

    /// <summary>Subscription filter matching every alert.</summary>
    public const string AllAlerts = AlertsRoot + "/#";

    private const string DevicesRoot = Root + "/devices";
    private const string AlertsRoot = Root + "/alerts";
    private const int MaxAlertNameLength = 128;

    /// <summary>Where <paramref name="deviceId"/> publishes its outbox batches.</summary>
    public static string Telemetry(string deviceId) => ForDevice(deviceId, DeviceChannel.Telemetry);

    /// <summary>Where <paramref name="deviceId"/> publishes review crops.</summary>
    public static string Samples(string deviceId) => ForDevice(deviceId, DeviceChannel.Samples);

    /// <summary>The retained online/offline status of <paramref name="deviceId"/>.</summary>
    public static string Status(string deviceId) => ForDevice(deviceId, DeviceChannel.Status);

    /// <summary>The state <paramref name="deviceId"/> reports.</summary>
    public static string Reported(string deviceId) => ForDevice(deviceId, DeviceChannel.Reported);

    /// <summary>The retained state the hub wants <paramref name="deviceId"/> in.</summary>
    public static string Desired(string deviceId) => ForDevice(deviceId, DeviceChannel.Desired);

    /// <summary>The topic of <paramref name="channel"/> for <paramref name="deviceId"/>.</summary>
    /// <exception cref="ArgumentException">The device id is not valid (<see cref="DeviceIds.FindProblem"/>).</exception>
    public static string ForDevice(string deviceId, DeviceChannel channel)
    {
        if (DeviceIds.FindProblem(deviceId) is { } problem)
            throw new ArgumentException(problem, nameof(deviceId));
        return $"{DevicesRoot}/{deviceId}/{LevelOf(channel)}";
    }

    /// <summary>Subscription filter matching <paramref name="channel"/> of every device.</summary>
    public static string AllDevices(DeviceChannel channel) => $"{DevicesRoot}/+/{LevelOf(channel)}";

    /// <summary>The topic of the alert stream <paramref name="name"/> (e.g. <c>precision</c>).</summary>
    /// <exception cref="ArgumentException">The name is not a valid topic level.</exception>
    public static string Alert(string name)
    {
        if (TopicLevel.FindProblem(name, "alert name", MaxAlertNameLength) is { } problem)
            throw new ArgumentException(problem, nameof(name));
        return $"{AlertsRoot}/{name}";
    }

    /// <summary>
    /// The retained topic of one alert: <c>edgemlops/v1/alerts/{rule}/{deviceId}/{cameraId}/{model}</c>. One topic per
    /// (rule, device, camera, model), which is also the key alerts are deduplicated by.
    /// </summary>
    /// <exception cref="ArgumentException">A part is not a valid topic level (or the device id is not valid).</exception>
    public static string AlertOf(string rule, string deviceId, string cameraId, string model)
    {
        if (DeviceIds.FindProblem(deviceId) is { } deviceProblem)
            throw new ArgumentException(deviceProblem, nameof(deviceId));
        foreach (var (value, name) in new[] { (rule, "alert rule"), (cameraId, "camera id"), (model, "model name") })
            if (TopicLevel.FindProblem(value, name, MaxAlertNameLength) is { } problem)
                throw new ArgumentException(problem, name);
        return $"{AlertsRoot}/{rule}/{deviceId}/{cameraId}/{model}";
    }

    /// <summary>
    /// Takes a per-device topic apart. False for anything else: another root, an unknown channel, extra levels or an
    /// invalid device id.
    /// </summary>
    public static bool TryParse(string? topic, out DeviceTopic deviceTopic)
    {
        deviceTopic = default;
        if (topic is null || !topic.StartsWith(DevicesRoot + "/", StringComparison.Ordinal))
            return false;
        var levels = topic[(DevicesRoot.Length + 1)..].Split('/');
        if (levels.Length != 2 || !DeviceIds.IsValid(levels[0]) || ChannelOf(levels[1]) is not { } channel)
            return false;
        deviceTopic = new DeviceTopic(levels[0], channel);
        return true;
    }

    private static string LevelOf(DeviceChannel channel) => channel switch
    {
        DeviceChannel.Telemetry => "telemetry",
        DeviceChannel.Samples => "samples",
        DeviceChannel.Status => "status",
        DeviceChannel.Reported => "reported",
        DeviceChannel.Desired => "desired",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "unknown device channel"),
    };

    private static DeviceChannel? ChannelOf(string level) => level switch
    {
        "telemetry" => DeviceChannel.Telemetry,
        "samples" => DeviceChannel.Samples,
        "status" => DeviceChannel.Status,
        "reported" => DeviceChannel.Reported,
        "desired" => DeviceChannel.Desired,
        _ => null,
    };
}
