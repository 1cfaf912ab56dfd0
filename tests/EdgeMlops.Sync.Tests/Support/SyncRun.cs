using System.Text.Json;

namespace EdgeMlops.Sync.Tests.Support;

/// <summary>
/// One device and one hub over one broker, all real processes: the device's outbox seeded with a backlog (as after a
/// time offline), the agent started on a short synthetic camera so live records join the backlog, and the checks that
/// count, by sequence number, what the device issued against what the hub stored.
/// </summary>
internal sealed class SyncRun : IDisposable
{
    public const string DeviceId = "box-sync";

    private readonly TempDirectory _directory = new();
    private readonly string _secret;
    private readonly List<DotnetProcess> _agents = [];

    private SyncRun(int backlog, Func<string, (HubProcess Hub, MosquittoBroker? Mosquitto)> setUp)
    {
        (Hub, Mosquitto) = setUp(_directory.Path);
        _secret = Hub.Enroll(DeviceId);
        AgentDatabase = _directory.File("agent.db");
        SeededLastSeq = backlog > 0 ? Backlog.Seed(AgentDatabase, DeviceId, backlog) : 0;
    }

    public HubProcess Hub { get; }
    public MosquittoBroker? Mosquitto { get; }
    public string AgentDatabase { get; }
    public long SeededLastSeq { get; }

    /// <summary>Hub (and mosquitto) running, and a device with <paramref name="backlog"/> records waiting.</summary>
    public static Task<SyncRun> StartAsync(BrokerKind broker, int backlog) =>
        broker == BrokerKind.Embedded ? WithEmbeddedBrokerAsync(backlog) : WithMosquittoAsync(backlog);

    /// <summary>A hub with its embedded broker, running, and a device with <paramref name="backlog"/> records waiting.</summary>
    public static async Task<SyncRun> WithEmbeddedBrokerAsync(int backlog)
    {
        var run = new SyncRun(backlog, directory => (HubProcess.WithEmbeddedBroker(directory), null));
        try
        {
            await run.Hub.StartAsync();
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>Mosquitto (password and ACL files from the hub's registry), the hub subscribed to it, and a device with a backlog.</summary>
    public static async Task<SyncRun> WithMosquittoAsync(int backlog)
    {
        var run = new SyncRun(backlog, directory =>
        {
            var broker = new MosquittoBroker(Path.Combine(directory, "mosquitto"));
            return (HubProcess.WithExternalBroker(directory, broker.Url, broker.HubPasswordFile), broker);
        });
        try
        {
            // The broker's password file is written from the registry, so after the device is enrolled.
            run.Mosquitto!.Configure(run.Hub);
            await run.Mosquitto.StartAsync();
            await run.Hub.StartAsync();
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>Starts the agent on a synthetic camera of <paramref name="cameraSeconds"/> s; it drains its outbox before it exits.</summary>
    public DotnetProcess StartAgent(int cameraSeconds = 8)
    {
        var agent = new DotnetProcess($"edge-agent (start {_agents.Count + 1})", BuiltPrograms.EdgeAgent, _directory.Path,
        [
            "--device-id", DeviceId,
            "--db", AgentDatabase,
            "--broker", Hub.BrokerUrl,
            "--Sync:Password=" + _secret,
            "--Sync:DrainOnStop=00:02:00",
            "--camera", $"synthetic://highway?seed=5&condition=day&duration={cameraSeconds}s",
            "--Agent:StatsInterval=00:00:01",
            "--Metrics:Url=",
        ]);
        _agents.Add(agent);
        return agent;
    }

    /// <summary>Waits until the hub has stored at least <paramref name="records"/> of the device's records.</summary>
    public Task WaitUntilHubHasAsync(long records, TimeSpan? timeout = null) =>
        Eventually.HoldsAsync(() => StoredRecords.CountAtHub(Hub.DatabasePath, DeviceId) >= records,
            () => $"the hub to hold {records} records of {DeviceId}; it holds {StoredRecords.CountAtHub(Hub.DatabasePath, DeviceId)}\nhub log:\n{Tail(Hub.Log)}\nagent log:\n{Tail(_agents.LastOrDefault()?.Stderr)}", timeout ?? TimeSpan.FromSeconds(90));

    /// <summary>Stops the broker with SIGTERM: the hub with its embedded broker, or mosquitto.</summary>
    public Task StopBrokerAsync() => Mosquitto is null ? Hub.StopAsync() : Mosquitto.StopAsync();

    public Task StartBrokerAsync() => Mosquitto is null ? Hub.StartAsync() : Mosquitto.StartAsync();

    /// <summary>Fails when the backlog had already reached the hub: the disruption would have proved nothing.</summary>
    public void AssertStillDraining(string disruption)
    {
        var stored = StoredRecords.CountAtHub(Hub.DatabasePath, DeviceId);
        Assert.True(stored < SeededLastSeq, $"the backlog was drained ({stored} of {SeededLastSeq}) before {disruption}: the test proves nothing");
    }

    /// <summary>
    /// Waits for the agent to end by itself (its camera ends, it drains, it exits 0), then for the hub to hold as many
    /// records as the agent issued (through mosquitto they arrive after the agent's PUBACKs); returns the agent's summary.
    /// </summary>
    public async Task<JsonElement> FinishAsync(DotnetProcess agent)
    {
        var exit = await agent.WaitForExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"{agent.Name} exited {exit}:\n{Tail(agent.Stderr)}");
        await WaitUntilHubHasAsync(StoredRecords.AtAgent(AgentDatabase).LastSeq);
        var line = agent.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>
    /// The core check: every seq the device issued (1..last, none evicted) is stored at the hub exactly once, under
    /// the device's epoch, and the device has nothing left to send.
    /// </summary>
    public void AssertEveryRecordStoredOnce()
    {
        var sent = StoredRecords.AtAgent(AgentDatabase);
        Assert.Equal(0, sent.Evicted);
        Assert.True(sent.Pending == 0, $"the agent still has {sent.Pending} records pending\nagent log:\n{Tail(_agents.LastOrDefault()?.Stderr, 80)}");
        Assert.True(sent.LastSeq > SeededLastSeq, "the live camera added no records to the backlog");

        var stored = StoredRecords.AtHub(Hub.DatabasePath, DeviceId);
        Assert.All(stored, key => Assert.Equal(sent.Epoch, key.Epoch));
        var seqs = stored.Select(k => k.Seq).Order().ToList();
        var duplicates = seqs.Count - seqs.Distinct().Count();
        var missing = LongRange(1, sent.LastSeq).Except(seqs).ToList();
        Assert.True(missing.Count == 0 && duplicates == 0 && seqs.Count == sent.LastSeq,
            $"sent seqs 1..{sent.LastSeq}; stored {seqs.Count}, {duplicates} duplicates, {missing.Count} missing (first: {string.Join(", ", missing.Take(10))})");
    }

    public void Dispose() => Disposal.All([.. _agents, Hub, Mosquitto, _directory]);

    private static IEnumerable<long> LongRange(long first, long last)
    {
        for (var seq = first; seq <= last; seq++)
            yield return seq;
    }

    private static string Tail(string? log, int lines = 40) =>
        log is null ? "" : string.Join('\n', log.Split('\n').TakeLast(lines));
}

/// <summary>Which broker stands between agent and hub.</summary>
public enum BrokerKind
{
    /// <summary>The hub's own MQTTnet broker.</summary>
    Embedded,

    /// <summary>Debian's mosquitto, configured from the hub's registry.</summary>
    Mosquitto,
}
