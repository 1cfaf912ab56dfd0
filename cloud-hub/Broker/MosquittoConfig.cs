using System.Globalization;
using System.Text;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>
/// The Mosquitto (2.0) equivalent of the embedded broker's rules, written into one directory:
/// <list type="bullet">
/// <item><c>mosquitto.conf</c>: one listener on 127.0.0.1:PORT, no anonymous clients, <c>use_username_as_clientid</c>
/// (a device cannot take over another's session), persistence in the directory, queues deep enough for a day of the
/// fleet while the hub is away (<c>max_queued_messages 1000000</c>), and <c>max_packet_size</c> 16 MiB, above
/// <see cref="PayloadLimits"/>, so oversized payloads reach the hub and are counted instead of dropping the device's
/// connection.</item>
/// <item><c>passwords</c>: every enrolled device's <c>$7$</c> hash from the registry, plus the hub's service account
/// <c>edgemlops-hub</c> and the read-only alert watcher <c>edgemlops-observer</c>.</item>
/// <item><c>acl</c>: each device (<c>%u</c>) writes its own telemetry, samples, reported, reads/writes its own status
/// and reads its own desired; the hub account reads and writes everything under <c>edgemlops/v1/</c>; the observer
/// account reads <c>edgemlops/v1/alerts/#</c> only (the embedded broker's operators-with-token, for Mosquitto).</item>
/// <item><c>hub.secret</c> (0600): the hub account's password, for <c>Hub:Broker:PasswordFile</c>; kept when it
/// exists, so re-running after enrolling devices does not lock out a running hub.</item>
/// <item><c>observer.secret</c> (0600): the observer account's password, for <c>mosquitto_sub -u edgemlops-observer</c>; kept likewise.</item>
/// </list>
/// Run it again after enrolling or revoking devices, then reload Mosquitto (SIGHUP) to pick up the new password file.
/// </summary>
public static class MosquittoConfig
{
    public const string HubAccount = "edgemlops-hub";
    public const string ConfFile = "mosquitto.conf";
    public const string PasswordFile = "passwords";
    public const string AclFile = "acl";
    public const string HubSecretFile = "hub.secret";
    public const string ObserverAccount = "edgemlops-observer";
    public const string ObserverSecretFile = "observer.secret";

    /// <summary>Well above the largest payload (<see cref="PayloadLimits.TelemetryBytes"/>, 4 MiB).</summary>
    public const int MaxPacketBytes = 16 * 1024 * 1024;

    /// <summary>A day offline of the hub's session: a 10-camera box sends on the order of a million records a day, in far fewer batches.</summary>
    public const int MaxQueuedMessages = 1_000_000;

    /// <summary>What was written.</summary>
    public sealed record Written(string Directory, string ConfPath, int Devices, string HubSecretPath, bool HubSecretCreated, string ObserverSecretPath = "");

    /// <param name="user">Mosquitto's <c>user</c> option: the account it drops to when started as root; null leaves Mosquitto's default.</param>
    public static Written Write(string directory, IReadOnlyList<EnrolledDevice> devices, int port, string? user = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        foreach (var account in new[] { HubAccount, ObserverAccount })
        {
            if (devices.Any(d => d.DeviceId == account))
                throw new ArgumentException($"a device is enrolled as '{account}', an account of the hub's own on the broker; revoke it first", nameof(devices));
        }
        directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(directory);

        var secretPath = Path.Combine(directory, HubSecretFile);
        var (secret, created) = KeepOrCreateSecret(secretPath);
        var observerSecretPath = Path.Combine(directory, ObserverSecretFile);
        var (observerSecret, _) = KeepOrCreateSecret(observerSecretPath);

        var accounts = devices
            .Append(new EnrolledDevice(HubAccount, DateTimeOffset.UnixEpoch, MosquittoPasswordHash.Create(secret)))
            .Append(new EnrolledDevice(ObserverAccount, DateTimeOffset.UnixEpoch, MosquittoPasswordHash.Create(observerSecret)));
        WritePrivate(Path.Combine(directory, PasswordFile), MosquittoPasswordFile.Format(accounts));
        WritePrivate(Path.Combine(directory, AclFile), Acl());
        var confPath = Path.Combine(directory, ConfFile);
        File.WriteAllText(confPath, Conf(directory, port, user));
        return new Written(directory, confPath, devices.Count, secretPath, created, observerSecretPath);
    }

    /// <summary>The secret in <paramref name="path"/>, or a new one written there (0600) when the file does not exist.</summary>
    private static (string Secret, bool Created) KeepOrCreateSecret(string path)
    {
        if (File.Exists(path))
            return (File.ReadAllText(path).TrimEnd('\r', '\n'), false);
        var secret = DeviceSecrets.Create();
        WritePrivate(path, secret + "\n");
        return (secret, true);
    }

    public static string Acl()
    {
        var devices = $"{Topics.Root}/devices/%u";
        // Patterns apply to every authenticated user; they come before the first "user" line so no reader mistakes
        // them for that user's rules.
        return $"""
            # EdgeMlops broker ACL, written by `cloud-hub broker mosquitto-config`.
            # Each device (user name = device id = client id) may use only its own topics.
            pattern write {devices}/telemetry
            pattern write {devices}/samples
            pattern readwrite {devices}/status
            pattern write {devices}/reported
            pattern read {devices}/desired

            # The hub's service account: ingests every device topic, writes desired state and alerts.
            user {HubAccount}
            topic readwrite {Topics.Root}/#

            # Operators watching alerts (mosquitto_sub -u {ObserverAccount} -P "$(cat {ObserverSecretFile})" -t '{Topics.AllAlerts}'): read only.
            user {ObserverAccount}
            topic read {Topics.AllAlerts}

            """;
    }

    public static string Conf(string directory, int port, string? user)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# EdgeMlops broker configuration, written by `cloud-hub broker mosquitto-config`.");
        text.AppendLine("# Start: mosquitto -c " + Path.Combine(directory, ConfFile));
        text.AppendLine("# The hub: cloud-hub serve --broker mqtt://127.0.0.1:" + port.ToString(inv) + " --Hub:Broker:PasswordFile=" + Path.Combine(directory, HubSecretFile));
        if (user is not null)
            text.AppendLine("user " + user);
        text.AppendLine("per_listener_settings false");
        text.AppendLine(string.Create(inv, $"listener {port} 127.0.0.1"));
        text.AppendLine("allow_anonymous false");
        text.AppendLine("password_file " + Path.Combine(directory, PasswordFile));
        text.AppendLine("acl_file " + Path.Combine(directory, AclFile));
        text.AppendLine("# The client id is the user name, so no device can take over another device's persistent session.");
        text.AppendLine("use_username_as_clientid true");
        text.AppendLine("persistence true");
        text.AppendLine("persistence_location " + directory.TrimEnd('/') + "/");
        text.AppendLine("autosave_interval 30");
        text.AppendLine("# Sessions (the hub's included) are kept as long as their MQTT 5 session expiry says; MQTT 3.1.1 ones two weeks.");
        text.AppendLine("persistent_client_expiration 14d");
        text.AppendLine("# Deep enough for a day of the fleet's batches while the hub is away; bytes unlimited.");
        text.AppendLine(string.Create(inv, $"max_queued_messages {MaxQueuedMessages}"));
        text.AppendLine("max_queued_bytes 0");
        text.AppendLine("max_inflight_messages 100");
        text.AppendLine(string.Create(inv, $"# Above the largest payload ({PayloadLimits.TelemetryBytes} bytes), so oversized payloads reach the hub and are counted."));
        text.AppendLine(string.Create(inv, $"max_packet_size {MaxPacketBytes}"));
        text.AppendLine("log_dest stderr");
        text.AppendLine("log_type error");
        text.AppendLine("log_type warning");
        text.AppendLine("log_type notice");
        text.AppendLine("log_type information");
        text.AppendLine("connection_messages true");
        return text.ToString();
    }

    private static void WritePrivate(string path, string contents)
    {
        // Created 0600 from the start, never readable by others even for a moment.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            writer.Write(contents);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
