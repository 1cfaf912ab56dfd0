using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeMlops.Sync.Tests.Support;
using EdgeMlops.Testing;
using SQLite;

namespace EdgeMlops.Benchmarks.Sync;

/// <summary>The real hub process for a benchmark: embedded broker, or subscribed to a mosquitto started beside it.</summary>
internal sealed class BenchHub : IDisposable
{
    private readonly string _directory;
    private readonly DotnetProcess _hub;
    private readonly Process? _mosquitto;
    private readonly HttpClient _http;

    private BenchHub(string directory, DotnetProcess hub, Process? mosquitto, string brokerUrl, int httpPort, string adminToken)
    {
        _directory = directory;
        _hub = hub;
        _mosquitto = mosquitto;
        BrokerUrl = brokerUrl;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/") };
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminToken);
    }

    public string BrokerUrl { get; }

    /// <summary>The certificate the hub's broker serves TLS with, for clients to trust; null over plain TCP.</summary>
    public string? CaCertificatePath { get; private init; }
    public string DatabasePath => Path.Combine(_directory, "hub.db");

    /// <summary>The hub's API as its admin operator (the rollout benchmark creates rollouts and reads metrics with it).</summary>
    public HttpClient Api => _http;

    /// <summary>The hub process, for its CPU time.</summary>
    public int ProcessId => _hub.Id;

    /// <summary>Runs an operator CLI command on this hub's store; returns its stdout.</summary>
    public Task<string> CliAsync(params string[] args) => RunCliAsync(_directory, [.. args, "--db", DatabasePath]);

    /// <summary>
    /// Starts a hub with its embedded broker, over TLS with a certificate made by <c>openssl</c> when
    /// <paramref name="tls"/>; enrolls <paramref name="devices"/> through the operator CLI first.
    /// </summary>
    public static async Task<(BenchHub Hub, Dictionary<string, string> Secrets)> StartEmbeddedAsync(string directory, IReadOnlyList<string> devices, bool tls = false)
    {
        Directory.CreateDirectory(directory);
        var secrets = Enroll(directory, devices);
        int mqtt = FreePort(), http = FreePort();
        var token = await AdminTokenAsync(directory);
        string[] broker = ["--mqtt-listen", $"127.0.0.1:{mqtt}"];
        string? certificate = null;
        if (tls)
        {
            (certificate, var key) = await MakeCertificateAsync(directory);
            broker = [.. broker, $"--Hub:Broker:Certificate={certificate}", $"--Hub:Broker:Key={key}"];
        }
        var hub = await StartHubAsync(directory, http, broker);
        var url = tls ? $"mqtts://127.0.0.1:{mqtt}" : $"mqtt://127.0.0.1:{mqtt}";
        return (new BenchHub(directory, hub, null, url, http, token) { CaCertificatePath = certificate }, secrets);
    }

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, as an operator would make one.</summary>
    private static async Task<(string Certificate, string Key)> MakeCertificateAsync(string directory)
    {
        var certificate = Path.Combine(directory, "broker.cert.pem");
        var key = Path.Combine(directory, "broker.key.pem");
        var info = new ProcessStartInfo("openssl") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate })
            info.ArgumentList.Add(arg);
        using var openssl = Process.Start(info)!;
        var error = openssl.StandardError.ReadToEndAsync();
        await openssl.StandardOutput.ReadToEndAsync();
        await openssl.WaitForExitAsync();
        return openssl.ExitCode == 0 ? (certificate, key) : throw new InvalidOperationException($"openssl failed: {await error}");
    }

    /// <summary>Enrolls, writes mosquitto's files from the registry, starts mosquitto, then the hub subscribed to it.</summary>
    public static async Task<(BenchHub Hub, Dictionary<string, string> Secrets)> StartWithMosquittoAsync(string directory, IReadOnlyList<string> devices)
    {
        Directory.CreateDirectory(directory);
        var secrets = Enroll(directory, devices);
        var brokerDirectory = Path.Combine(directory, "mosquitto");
        int mqtt = FreePort(), http = FreePort();
        List<string> configArgs = ["broker", "mosquitto-config", "--out", brokerDirectory, "--db", Path.Combine(directory, "hub.db"), "--port", mqtt.ToString(CultureInfo.InvariantCulture)];
        if (Environment.IsPrivilegedProcess)
            configArgs.AddRange(["--user", "root"]);
        await RunCliAsync(directory, configArgs);
        var info = new ProcessStartInfo("/usr/sbin/mosquitto") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Path.Combine(brokerDirectory, "mosquitto.conf"));
        var mosquitto = Process.Start(info)!;
        mosquitto.ErrorDataReceived += (_, _) => { };
        mosquitto.OutputDataReceived += (_, _) => { };
        mosquitto.BeginErrorReadLine();
        mosquitto.BeginOutputReadLine();
        await WaitForPortAsync(mqtt);
        var token = await AdminTokenAsync(directory);
        var hub = await StartHubAsync(directory, http,
            ["--broker", $"mqtt://127.0.0.1:{mqtt}", "--Hub:Broker:PasswordFile=" + Path.Combine(brokerDirectory, "hub.secret")]);
        return (new BenchHub(directory, hub, mosquitto, $"mqtt://127.0.0.1:{mqtt}", http, token), secrets);
    }

    /// <summary>Enrolls devices through the running hub's API (fast enough for hundreds).</summary>
    public async Task<Dictionary<string, string>> EnrollAsync(IEnumerable<string> devices)
    {
        var secrets = new Dictionary<string, string>();
        foreach (var device in devices)
        {
            using var response = await _http.PostAsJsonAsync("api/devices", new Dictionary<string, string> { ["deviceId"] = device });
            response.EnsureSuccessStatusCode();
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            secrets[device] = json.RootElement.GetProperty("secret").GetString()!;
        }
        return secrets;
    }

    /// <summary>Records of <paramref name="deviceId"/> in the hub store (events + stats + samples).</summary>
    public long StoredRecords(string deviceId)
    {
        using var db = new SQLiteConnection(DatabasePath, SQLiteOpenFlags.ReadOnly);
        return db.ExecuteScalar<long>(
            "SELECT (SELECT COUNT(*) FROM events WHERE device_id = ?1) + (SELECT COUNT(*) FROM stats WHERE device_id = ?1) + " +
            "(SELECT COUNT(*) FROM samples WHERE device_id = ?1) + (SELECT COUNT(*) FROM precision_reports WHERE device_id = ?1)", deviceId);
    }

    /// <summary>Records in the hub store over all devices.</summary>
    public long StoredRecords()
    {
        using var db = new SQLiteConnection(DatabasePath, SQLiteOpenFlags.ReadOnly);
        return db.ExecuteScalar<long>("SELECT (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM stats) + (SELECT COUNT(*) FROM samples)");
    }

    /// <summary>Whether the hub has stored <paramref name="deviceId"/>'s record <paramref name="seq"/> (cheap: a primary-key lookup).</summary>
    public bool HasStored(string deviceId, long seq)
    {
        using var db = new SQLiteConnection(DatabasePath, SQLiteOpenFlags.ReadOnly);
        return db.ExecuteScalar<long>(
            "SELECT EXISTS (SELECT 1 FROM events WHERE device_id = ?1 AND seq = ?2) OR EXISTS (SELECT 1 FROM stats WHERE device_id = ?1 AND seq = ?2)",
            deviceId, seq) == 1;
    }

    public void Dispose()
    {
        _http.Dispose();
        _hub.Terminate();
        try
        {
            _hub.WaitForExitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
        }
        _hub.Dispose();
        if (_mosquitto is { HasExited: false })
        {
            _mosquitto.Kill();
            _mosquitto.WaitForExit();
        }
        _mosquitto?.Dispose();
    }

    private static async Task<DotnetProcess> StartHubAsync(string directory, int http, string[] broker)
    {
        var hub = new DotnetProcess("cloud-hub", BuiltPrograms.CloudHub, directory,
            ["serve", "--db", Path.Combine(directory, "hub.db"), "--http", $"http://127.0.0.1:{http}", .. broker]);
        await hub.WaitForLogAsync("Hub ready", TimeSpan.FromSeconds(60));
        if (broker.Contains("--broker"))
            await hub.WaitForLogAsync("subscribed to device topics", TimeSpan.FromSeconds(60));
        return hub;
    }

    private static Dictionary<string, string> Enroll(string directory, IReadOnlyList<string> devices)
    {
        var secrets = new Dictionary<string, string>();
        foreach (var device in devices)
        {
            var stdout = RunCliAsync(directory, ["device", "enroll", device, "--db", Path.Combine(directory, "hub.db")]).GetAwaiter().GetResult();
            using var json = JsonDocument.Parse(stdout);
            secrets[device] = json.RootElement.GetProperty("secret").GetString()!;
        }
        return secrets;
    }

    /// <summary>An admin API token for <see cref="EnrollAsync"/>, made with the operator CLI.</summary>
    private static async Task<string> AdminTokenAsync(string directory)
    {
        var stdout = await RunCliAsync(directory, ["operator", "add", "bench", "--role", "admin", "--db", Path.Combine(directory, "hub.db")]);
        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private static async Task<string> RunCliAsync(string directory, IEnumerable<string> args)
    {
        using var cli = new DotnetProcess("cloud-hub", BuiltPrograms.CloudHub, directory, args);
        var exit = await cli.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return exit == 0 ? cli.Stdout : throw new InvalidOperationException($"cloud-hub {string.Join(' ', args)} exited {exit}: {cli.Stderr}");
    }

    private static async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!FreeTcpPort.IsListening(port))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"nothing listens on {port}");
            await Task.Delay(50);
        }
    }

    private static int FreePort() => FreeTcpPort.Next();
}
