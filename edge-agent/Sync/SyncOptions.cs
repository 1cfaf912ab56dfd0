using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.Messaging;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>How the agent syncs its outbox and state with the hub over MQTT. Section <c>Sync</c>.</summary>
public sealed class SyncOptions
{
    public const string SectionName = "Sync";

    /// <summary>False keeps everything in the local outbox; nothing connects.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The broker: <c>mqtt://host[:port]</c> (1883 by default) or <c>mqtts://host[:port]</c> for TLS (8883).</summary>
    public string Broker { get; set; } = "mqtt://127.0.0.1:1883";

    /// <summary>The user name towards the broker; the device id when left out (that is how the hub enrols devices).</summary>
    public string? Username { get; set; }

    /// <summary>The password, inline. Prefer <see cref="PasswordFile"/> outside development.</summary>
    public string? Password { get; set; }

    /// <summary>A file holding the password (e.g. a systemd credential under <c>$CREDENTIALS_DIRECTORY</c>), read at start.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>A PEM file of the CA certificate(s) the broker's certificate must chain to, for a private CA (mqtts only).</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>Accept any broker certificate. For a test bench only: it gives up on knowing who the broker is.</summary>
    public bool AllowUntrustedCertificates { get; set; }

    /// <summary>MQTT keep-alive: how soon a dead connection is noticed (by both sides; the broker then sends the last will).</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the broker keeps the device's session (subscriptions, queued desired state) while it is offline.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long one connection attempt may take (TCP, TLS and CONNACK) before it counts as failed.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most outbox records in one telemetry batch (batches are also cut to stay under the payload limit).</summary>
    public int BatchRecords { get; set; } = 1000;

    /// <summary>Messages published before the oldest one's acknowledgement is awaited.</summary>
    public int MaxInFlight { get; set; } = 8;

    /// <summary>How often the reported state (model, backlog, desired revision) is published besides connect and stop.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>On stop, how long to keep draining what the pipeline flushed before saying goodbye; the rest waits in the outbox.</summary>
    public TimeSpan DrainOnStop { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Backoff between connection attempts, and after the broker refused to accept a publish.</summary>
    public ReconnectOptions Reconnect { get; set; } = new();

    /// <summary>Every setting that is wrong, as a sentence naming its configuration key; empty when all are fine (or sync is off).</summary>
    public IReadOnlyList<string> FindProblems()
    {
        var problems = new List<string>();
        if (!Enabled)
            return problems;
        if (BrokerAddress.FindProblem(Broker, BrokerKey, CredentialKeys) is { } brokerProblem)
            problems.Add(brokerProblem);
        if (Username is { } username && string.IsNullOrWhiteSpace(username))
            problems.Add($"{SectionName}:Username must not be blank; leave it out to use the device id.");
        if (Password is not null && PasswordFile is not null)
            problems.Add($"{SectionName}:Password and {SectionName}:PasswordFile are both set; use one.");
        if (PasswordFile is { } passwordFile && !File.Exists(passwordFile))
            problems.Add($"{SectionName}:PasswordFile '{passwordFile}' does not exist.");
        if (CaCertificatePath is { } caPath)
        {
            if (!File.Exists(caPath))
                problems.Add($"{SectionName}:CaCertificatePath '{caPath}' does not exist.");
            if (BrokerAddress.TryParse(Broker, BrokerKey, CredentialKeys, out var address, out _) && !address.UseTls)
                problems.Add($"{SectionName}:CaCertificatePath is set but {SectionName}:Broker '{Broker}' is not mqtts://.");
        }
        if (KeepAlive < TimeSpan.FromSeconds(1) || KeepAlive > TimeSpan.FromSeconds(ushort.MaxValue))
            problems.Add($"{SectionName}:KeepAlive must be 1 s to {ushort.MaxValue} s; got {KeepAlive}.");
        if (SessionExpiry < TimeSpan.Zero || SessionExpiry.TotalSeconds >= uint.MaxValue)
            problems.Add($"{SectionName}:SessionExpiry must be 0 or more and under {uint.MaxValue} s; got {SessionExpiry}.");
        if (ConnectTimeout < TimeSpan.FromMilliseconds(100) || ConnectTimeout > TimeSpan.FromMinutes(5))
            problems.Add($"{SectionName}:ConnectTimeout must be 100 ms to 5 minutes; got {ConnectTimeout}.");
        if (BatchRecords is < 1 or > 100_000)
            problems.Add($"{SectionName}:BatchRecords must be 1..100000; got {BatchRecords}.");
        if (MaxInFlight is < 1 or > 1000)
            problems.Add($"{SectionName}:MaxInFlight must be 1..1000; got {MaxInFlight}.");
        if (ReportInterval < TimeSpan.FromSeconds(1) || ReportInterval > TimeSpan.FromDays(1))
            problems.Add($"{SectionName}:ReportInterval must be 1 s to 1 day; got {ReportInterval}.");
        if (DrainOnStop < TimeSpan.Zero || DrainOnStop > TimeSpan.FromMinutes(5))
            problems.Add($"{SectionName}:DrainOnStop must be 0 to 5 minutes; got {DrainOnStop}.");
        if (Reconnect is null)
            problems.Add($"{SectionName}:Reconnect is missing.");
        else
        {
            if (Reconnect.InitialDelay <= TimeSpan.Zero)
                problems.Add($"{SectionName}:Reconnect:InitialDelay must be positive; got {Reconnect.InitialDelay}.");
            if (Reconnect.MaxDelay < Reconnect.InitialDelay)
                problems.Add($"{SectionName}:Reconnect:MaxDelay must be at least InitialDelay ({Reconnect.InitialDelay}); got {Reconnect.MaxDelay}.");
            if (!(Reconnect.Multiplier >= 1))
                problems.Add($"{SectionName}:Reconnect:Multiplier must be at least 1; got {Reconnect.Multiplier}.");
            if (!(Reconnect.Jitter is >= 0 and < 1))
                problems.Add($"{SectionName}:Reconnect:Jitter must be 0 or more and below 1; got {Reconnect.Jitter}.");
        }
        return problems;
    }

    /// <exception cref="InvalidOperationException">Not a broker address; the message names <c>Sync:Broker</c>.</exception>
    public static BrokerAddress ParseBroker(string? text) => BrokerAddress.Parse(text, BrokerKey, CredentialKeys);

    private const string BrokerKey = SectionName + ":Broker";
    private const string CredentialKeys = SectionName + ":Username and " + SectionName + ":PasswordFile";

    /// <exception cref="InvalidOperationException">A setting is wrong; the message lists every one.</exception>
    public void Validate()
    {
        var problems = FindProblems();
        if (problems.Count > 0)
            throw new InvalidOperationException(string.Join(" ", problems));
    }
}
