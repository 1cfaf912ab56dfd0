using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SQLite;

namespace EdgeMlops.Sync.Tests.Support;

/// <summary>
/// A fleet, all real processes: the hub (<c>cloud-hub serve</c>, embedded broker, HTTP on a free port) whose registry
/// holds v1 (the bundled seed, 5 labels) and v2 (<see cref="FleetPackages.V2Async"/>, 6 labels) registered through
/// <c>cloud-hub model register</c>; N agents classifying a synthetic camera, enrolled and tagged through the CLI, each
/// with its own outbox and <c>Model:StateDirectory</c>, trusting the hub's fleet key from <c>cloud-hub fleet-key export</c>;
/// and an operator token for the API. Helpers wait until a device reports a deployment state or serves a version.
/// </summary>
internal sealed class FleetRig : IDisposable
{
    public const string ModelName = "vehicle-classifier";
    public const string V1 = "1.0.0";
    public const string V2 = FleetPackages.V2Version;

    private readonly TempDirectory _directory = new("edgemlops-fleet-");
    private readonly List<FleetAgent> _agents = [];
    private readonly HttpClient _api = new();

    private FleetRig()
    {
        Hub = HubProcess.WithEmbeddedBroker(_directory.Path);
        TrustDirectory = _directory.Combine("box-trust");
        Directory.CreateDirectory(TrustDirectory);
    }

    public HubProcess Hub { get; }

    /// <summary>The boxes' <c>Model:TrustedKeysDirectory</c>: the fleet key (and the key of the model the image ships with).</summary>
    public string TrustDirectory { get; }

    public IReadOnlyList<FleetAgent> Agents => _agents;

    /// <summary>The API as an operator (role operator): bearer token from <c>cloud-hub operator add</c>.</summary>
    public HttpClient Api => _api;

    /// <summary>
    /// The hub with v1 and v2 registered, running; <paramref name="agents"/> devices enrolled and tagged with
    /// <paramref name="tags"/> (e.g. <c>site=north</c>) but not started (see <see cref="StartAgentsAsync"/>).
    /// </summary>
    public static Task<FleetRig> StartAsync(int agents, params string[] tags) => StartAsync(agents, tags, null);

    /// <summary>As <see cref="StartAsync(int, string[])"/>, with extra hub settings made from the hub (its ports known) before it starts.</summary>
    public static async Task<FleetRig> StartAsync(int agents, string[] tags, Func<HubProcess, IEnumerable<string>>? hubSettings)
    {
        var v2 = await FleetPackages.V2Async();
        var rig = new FleetRig();
        try
        {
            if (hubSettings is not null)
                rig.Hub.Settings.AddRange(hubSettings(rig.Hub));
            var publishers = Path.Combine(BuiltPrograms.RepositoryRoot, "models", "keys");
            rig.Hub.Cli("model", "register", Path.Combine(BuiltPrograms.RepositoryRoot, "models", "vehicle-classifier"), "--trust", publishers);
            rig.Hub.Cli("model", "register", v2, "--trust", publishers);
            rig.Hub.Cli("fleet-key", "export", "--out", Path.Combine(rig.TrustDirectory, "fleet.pub.pem"));
            // The model a box ships with is signed by the publisher (here the development key), not by the hub: a box
            // must trust it to start at all. Everything the hub deploys is fleet-signed.
            File.Copy(Path.Combine(BuiltPrograms.RepositoryRoot, "models", "keys", "dev-signing.pub.pem"),
                Path.Combine(rig.TrustDirectory, "dev-signing.pub.pem"));
            using (var token = JsonDocument.Parse(rig.Hub.Cli("operator", "add", "fleet-operator", "--role", "operator")))
                rig._api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.RootElement.GetProperty("token").GetString());
            for (var i = 1; i <= agents; i++)
            {
                var id = $"box-{i}";
                var secret = rig.Hub.Enroll(id);
                if (tags.Length > 0)
                    rig.Hub.Cli(["device", "tag", id, .. tags]);
                rig._agents.Add(new FleetAgent(id, secret, rig, i));
            }
            await rig.Hub.StartAsync();
            rig._api.BaseAddress = new Uri($"http://127.0.0.1:{rig.Hub.HttpPort}");
            return rig;
        }
        catch
        {
            rig.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts every agent and waits until each reports serving <see cref="V1"/> and the hub holds an event it classified
    /// with it: a rollout after this has something to swap from.
    /// </summary>
    public async Task StartAgentsAsync(string camera = FleetAgent.DefaultCamera, params string[] settings)
    {
        foreach (var agent in _agents)
            agent.Start(camera, settings);
        await WaitUntilStartedAsync();
    }

    /// <summary>Waits until every started agent serves <see cref="V1"/> and the hub holds an event it classified with it.</summary>
    public async Task WaitUntilStartedAsync()
    {
        foreach (var agent in _agents)
        {
            await WaitUntilServingAsync(agent, V1);
            await WaitForEventFromAsync(agent, V1);
        }
    }

    public string AgentDirectory(string deviceId) => _directory.Combine(deviceId);

    /// <summary>Creates a rollout through the API; returns its id.</summary>
    public async Task<long> CreateRolloutAsync(object request)
    {
        using var response = await _api.PostAsJsonAsync("/api/rollouts", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/rollouts {JsonSerializer.Serialize(request)}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("id").GetInt64();
    }

    /// <summary>Applies an operator action (promote, pause, resume, abort, rollback) through the API.</summary>
    public async Task RolloutActionAsync(long id, string verb)
    {
        using var response = await _api.PostAsync($"/api/rollouts/{id}/{verb}", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/rollouts/{id}/{verb}: {(int)response.StatusCode} {body}");
    }

    /// <summary>The rollout as the API shows it (devices included).</summary>
    public async Task<JsonElement> RolloutAsync(long id)
    {
        using var response = await _api.GetAsync($"/api/rollouts/{id}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /api/rollouts/{id}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.Clone();
    }

    /// <summary>Waits until the rollout is in <paramref name="state"/> (completed, aborted, rolled-back ...); returns its view.</summary>
    public async Task<JsonElement> WaitForRolloutAsync(long id, string state, TimeSpan? timeout = null)
    {
        JsonElement view = default;
        await Eventually.HoldsAsync(() =>
            {
                view = RolloutAsync(id).GetAwaiter().GetResult();
                // An aborted or rolled-back rollout changes state first and reverts its devices after, on the same pass.
                return view.GetProperty("state").GetString() == state
                       && !view.GetProperty("devices").EnumerateArray().Any(d => d.GetProperty("reverting").GetBoolean());
            },
            () => $"rollout {id} to be {state}; it is:\n{view}\n{Logs()}", timeout ?? TimeSpan.FromSeconds(120));
        return view;
    }

    /// <summary>The version the device last reported serving, as GET /api/devices/{id} shows it.</summary>
    public string? ServedVersion(FleetAgent agent)
    {
        using var response = _api.GetAsync($"/api/devices/{agent.DeviceId}").GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
            return null;
        using var json = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        return json.RootElement.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.Object
            ? model.GetProperty("version").GetString()
            : null;
    }

    public Task WaitUntilServingAsync(FleetAgent agent, string version, TimeSpan? timeout = null) =>
        Eventually.HoldsAsync(() => ServedVersion(agent) == version,
            () => $"{agent.DeviceId} to report serving {version}; it reports {ServedVersion(agent) ?? "nothing"}\n{Logs()}",
            timeout ?? TimeSpan.FromSeconds(120));

    /// <summary>The deployment the device last reported (<c>reportedState.deployment</c> as the hub stored it), or null.</summary>
    public JsonElement? ReportedDeployment(FleetAgent agent)
    {
        using var db = new SQLiteConnection(Hub.DatabasePath, SQLiteOpenFlags.ReadOnly);
        var reported = db.ExecuteScalar<string?>("SELECT reported_json FROM devices WHERE id = ?", agent.DeviceId);
        if (reported is null)
            return null;
        using var json = JsonDocument.Parse(reported);
        return json.RootElement.TryGetProperty("deployment", out var deployment) && deployment.ValueKind == JsonValueKind.Object
            ? deployment.Clone()
            : null;
    }

    /// <summary>Waits until the device reports <paramref name="version"/> in deployment state <paramref name="state"/> (e.g. active, failed).</summary>
    public Task WaitForDeploymentAsync(FleetAgent agent, string version, string state, TimeSpan? timeout = null) =>
        Eventually.HoldsAsync(() => ReportedDeployment(agent) is { } d
                && d.GetProperty("version").GetString() == version && d.GetProperty("state").GetString() == state,
            () => $"{agent.DeviceId} to report {version} {state}; it reports {ReportedDeployment(agent)?.ToString() ?? "no deployment"}\n{Logs()}",
            timeout ?? TimeSpan.FromSeconds(120));

    /// <summary>The model version the device's desired state names (the hub's <c>desired_states</c>), or null.</summary>
    public string? DesiredVersion(FleetAgent agent)
    {
        using var db = new SQLiteConnection(Hub.DatabasePath, SQLiteOpenFlags.ReadOnly);
        return db.ExecuteScalar<string?>("SELECT json_extract(json, '$.properties.model.version') FROM desired_states WHERE device_id = ?", agent.DeviceId);
    }

    /// <summary>The events the hub stored for the device, in seq order: (seq, label, modelVersion).</summary>
    public IReadOnlyList<StoredEvent> StoredEvents(FleetAgent agent)
    {
        using var db = new SQLiteConnection(Hub.DatabasePath, SQLiteOpenFlags.ReadOnly);
        return db.Query<StoredEvent>(
            "SELECT seq AS Seq, label AS Label, json_extract(payload, '$.modelVersion') AS ModelVersion, received_at AS ReceivedAt " +
            "FROM events WHERE device_id = ? ORDER BY epoch, seq", agent.DeviceId);
    }

    /// <summary>Waits until the hub holds an event of the device classified by <paramref name="version"/>, received after the given seq.</summary>
    public Task WaitForEventFromAsync(FleetAgent agent, string version, long afterSeq = 0, TimeSpan? timeout = null) =>
        Eventually.HoldsAsync(() => StoredEvents(agent).Any(e => e.Seq > afterSeq && e.ModelVersion == version),
            () => $"an event of {agent.DeviceId} after seq {afterSeq} from model {version}; stored: " +
                  string.Join(", ", StoredEvents(agent).TakeLast(10).Select(e => $"{e.Seq}:{e.ModelVersion}")) + $"\n{Logs()}",
            timeout ?? TimeSpan.FromSeconds(90));

    /// <summary>
    /// Items the device's pipeline dropped, per stage, summed over every stats interval the hub stored for it (an empty
    /// dictionary after at least one interval; fails when the hub holds none, which would make "no drops" vacuous).
    /// </summary>
    public IReadOnlyDictionary<string, long> StoredDrops(FleetAgent agent)
    {
        using var db = new SQLiteConnection(Hub.DatabasePath, SQLiteOpenFlags.ReadOnly);
        var totals = new Dictionary<string, long>();
        var intervals = db.QueryScalars<string>("SELECT payload FROM stats WHERE device_id = ?", agent.DeviceId);
        Assert.True(intervals.Count > 0, $"the hub holds no stats of {agent.DeviceId}");
        foreach (var payload in intervals)
        {
            using var json = JsonDocument.Parse(payload);
            Assert.True(json.RootElement.TryGetProperty("drops", out var drops), $"a stats record of {agent.DeviceId} has no drops: {payload}");
            foreach (var stage in drops.EnumerateObject())
                totals[stage.Name] = totals.GetValueOrDefault(stage.Name) + stage.Value.GetInt64();
        }
        return totals;
    }

    /// <summary>The last lines of the hub's and every agent's log, for failure messages.</summary>
    public string Logs(int lines = 25) =>
        $"hub log:\n{Tail(Hub.Log, lines)}" + string.Concat(_agents.Select(a => $"\n{a.DeviceId} log:\n{Tail(a.Log, lines)}"));

    public void Dispose() => Disposal.All([.. _agents, Hub, _api, _directory]);

    internal static string Tail(string? log, int lines) =>
        log is null ? "" : string.Join('\n', log.Split('\n').TakeLast(lines));
}

/// <summary>One event as the hub stored it.</summary>
internal sealed class StoredEvent
{
    public long Seq { get; set; }
    public string Label { get; set; } = "";
    public string? ModelVersion { get; set; }
    public long ReceivedAt { get; set; }
}

/// <summary>One box of a <see cref="FleetRig"/>: a real edge-agent process with its own outbox and model state.</summary>
internal sealed class FleetAgent : IDisposable
{
    /// <summary>A live synthetic camera, small and slow enough that three agents and a hub keep up on two cores.</summary>
    public const string DefaultCamera = "synthetic://highway?condition=day&fps=5&width=320&height=180";

    private readonly string _secret;
    private readonly FleetRig _rig;
    private readonly int _index;
    private readonly string _directory;
    private DotnetProcess? _process;
    private int _starts;

    public FleetAgent(string deviceId, string secret, FleetRig rig, int index)
    {
        DeviceId = deviceId;
        _secret = secret;
        _rig = rig;
        _index = index;
        _directory = rig.AgentDirectory(deviceId);
        Directory.CreateDirectory(_directory);
    }

    public string DeviceId { get; }

    /// <summary>The device's credential (its MQTT secret; HTTP Basic for downloads).</summary>
    public string Secret => _secret;

    public string Database => Path.Combine(_directory, "agent.db");
    public string StateDirectory => Path.Combine(_directory, "models");
    public string Log => _process?.Stderr ?? "";
    public DotnetProcess Process => _process ?? throw new InvalidOperationException($"{DeviceId} was not started");

    /// <summary>How many times this box's agent process was started: a rollout must not restart it.</summary>
    public int Starts => _starts;

    /// <summary>Starts the agent on <paramref name="camera"/> (its seed made unique per box); <paramref name="settings"/> are extra <c>--Key=value</c>s.</summary>
    public void Start(string camera = DefaultCamera, params string[] settings)
    {
        _process?.Dispose();
        _starts++;
        var separator = camera.Contains('?') ? '&' : '?';
        _process = new DotnetProcess($"edge-agent {DeviceId} (start {_starts})", BuiltPrograms.EdgeAgent, _directory,
        [
            "--device-id", DeviceId,
            "--db", Database,
            "--broker", _rig.Hub.BrokerUrl,
            "--Sync:Password=" + _secret,
            "--camera", $"{camera}{separator}seed={_index}",
            "--Model:TrustedKeysDirectory=" + _rig.TrustDirectory,
            "--Model:StateDirectory=" + StateDirectory,
            // A short probation: rollouts that do not name one wait for it before a device counts as succeeded.
            "--Model:ProbationSeconds=2",
            "--Agent:StatsInterval=00:00:01",
            "--Metrics:Url=",
            .. settings,
        ]);
    }

    /// <summary>SIGTERM and wait for a clean exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
            return;
        _process.Terminate();
        var exit = await _process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"{_process.Name} exited {exit} on SIGTERM:\n{FleetRig.Tail(_process.Stderr, 60)}");
    }

    public void Dispose() => _process?.Dispose();
}

/// <summary>
/// The packages a fleet test rolls out. v2 is the 6-label 96x96 pyramid model, built by <c>cloud-hub model bootstrap</c>
/// once per build of the hub (about a minute on two cores) into a temp folder keyed by the hub assembly, so every test
/// of a run (and the next run on the same build) shares it.
/// </summary>
internal static class FleetPackages
{
    public const string V2Version = "2.0.0";

    private static readonly Lazy<Task<string>> V2 = new(BuildV2Async);

    /// <summary>The v2 package directory, built on first use.</summary>
    public static Task<string> V2Async() => V2.Value;

    private static async Task<string> BuildV2Async()
    {
        var hub = new FileInfo(BuiltPrograms.CloudHub);
        var key = $"{hub.Length:x}-{hub.LastWriteTimeUtc.Ticks:x}";
        var root = Path.Combine(Path.GetTempPath(), "edgemlops-fleet-v2");
        var package = Path.Combine(root, key);
        if (File.Exists(Path.Combine(package, "manifest.json")))
            return package;
        Directory.CreateDirectory(root);
        var building = Path.Combine(root, $"{key}.building-{Environment.ProcessId}");
        using (var cli = new DotnetProcess("cloud-hub model bootstrap (v2)", BuiltPrograms.CloudHub, root,
            ["model", "bootstrap", "--out", building, "--backbone", "pyramid", "--labels", "car,van,truck,bus,motorcycle,pickup",
             "--input-size", "96", "--version", V2Version, "--gate", "0.8", "--force",
             "--key", Path.Combine(BuiltPrograms.RepositoryRoot, "models", "keys", "dev-signing.key.pem")]))
        {
            var exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(10));
            Assert.True(exit == 0, $"model bootstrap exited {exit}:\n{cli.Stdout}\n{cli.Stderr}");
        }
        // Renamed into place whole, so a run killed mid-build never leaves a half package under the key.
        try
        {
            Directory.Move(building, package);
        }
        catch (IOException) when (File.Exists(Path.Combine(package, "manifest.json")))
        {
            Directory.Delete(building, recursive: true); // another run got there first
        }
        return package;
    }
}
