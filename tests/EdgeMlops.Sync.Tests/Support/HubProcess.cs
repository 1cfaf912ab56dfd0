using System.Text.Json;

namespace EdgeMlops.Sync.Tests.Support;

/// <summary>
/// The real cloud hub (<c>cloud-hub serve</c>) on free ports with its store in a test directory. Start, stop and
/// kill it as often as a test likes: the next start uses the same store and ports.
/// </summary>
internal sealed class HubProcess : IDisposable
{
    private readonly string _directory;
    private readonly string[] _brokerArguments;
    private DotnetProcess? _process;
    private int _starts;

    private HubProcess(string directory, string[] brokerArguments)
    {
        _directory = directory;
        _brokerArguments = brokerArguments;
        DatabasePath = Path.Combine(directory, "hub.db");
        HttpPort = FreeTcpPort.Next();
    }

    public string DatabasePath { get; }
    public int HttpPort { get; }

    /// <summary>Where devices connect: the embedded broker's address, or the external broker's.</summary>
    public string BrokerUrl { get; private init; } = "";

    /// <summary>A hub whose embedded broker listens on a free port.</summary>
    public static HubProcess WithEmbeddedBroker(string directory)
    {
        var port = FreeTcpPort.Next();
        return new HubProcess(directory, ["--mqtt-listen", $"127.0.0.1:{port}"]) { BrokerUrl = $"mqtt://127.0.0.1:{port}" };
    }

    /// <summary>A hub subscribed to an external broker, as its service account.</summary>
    public static HubProcess WithExternalBroker(string directory, string brokerUrl, string passwordFile) =>
        new(directory, ["--broker", brokerUrl, "--Hub:Broker:PasswordFile=" + passwordFile]) { BrokerUrl = brokerUrl };

    public string Log => _process?.Stderr ?? "";

    /// <summary>Extra <c>--Key=value</c> settings for every start (e.g. <c>Hub:Registry:DownloadUrl</c>).</summary>
    public List<string> Settings { get; } = [];

    /// <summary>Enrolls a device in the hub's store with the operator CLI; returns its secret.</summary>
    public string Enroll(string deviceId)
    {
        using var json = JsonDocument.Parse(Cli("device", "enroll", deviceId));
        return json.RootElement.GetProperty("secret").GetString()!;
    }

    /// <summary>Adds an API operator with the operator CLI; returns its bearer token.</summary>
    public string AddOperator(string name, string role)
    {
        using var json = JsonDocument.Parse(Cli("operator", "add", name, "--role", role));
        return json.RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>Where the HTTP API listens.</summary>
    public Uri ApiAddress => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>Runs an operator command (<c>cloud-hub ARGS --db this hub's store</c>); fails unless it exits 0; returns its stdout.</summary>
    public string Cli(params string[] arguments)
    {
        using var cli = new DotnetProcess($"cloud-hub {string.Join(' ', arguments.Take(2))}", BuiltPrograms.CloudHub, _directory,
            [.. arguments, "--db", DatabasePath]);
        var exit = cli.WaitForExitAsync(TimeSpan.FromSeconds(120)).GetAwaiter().GetResult();
        Assert.True(exit == 0, $"cloud-hub {string.Join(' ', arguments)} exited {exit}:\n{cli.Stdout}\n{cli.Stderr}");
        return cli.Stdout;
    }

    public async Task StartAsync()
    {
        _process?.Dispose();
        _starts++;
        _process = new DotnetProcess($"cloud-hub (start {_starts})", BuiltPrograms.CloudHub, _directory,
            ["serve", "--db", DatabasePath, "--http", $"http://127.0.0.1:{HttpPort}", .. _brokerArguments, .. Settings]);
        await _process.WaitForLogAsync("Hub ready", TimeSpan.FromSeconds(60));
        // With an external broker "ready" can come before the subscription: a device publishing in between would get
        // "no matching subscribers" from mosquitto, and its records would be gone on the first start.
        if (IsExternal)
            await _process.WaitForLogAsync("subscribed to device topics", TimeSpan.FromSeconds(60));
    }

    private bool IsExternal => _brokerArguments.Contains("--broker");

    /// <summary>SIGTERM and wait: a clean stop (with the embedded broker, the broker goes too).</summary>
    public async Task StopAsync()
    {
        if (_process is null)
            return;
        _process.Terminate();
        var exit = await _process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"the hub exited {exit} on SIGTERM:\n{_process.Stderr}");
    }

    /// <summary>SIGKILL: no chance to finish a transaction or say goodbye to clients.</summary>
    public void Kill() => _process?.KillHard();

    public void Dispose() => _process?.Dispose();
}
