using System.Collections.Concurrent;
using System.Text.Json;
using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;
using SQLite;

namespace EdgeMlops.CloudHub.Devices;

/// <summary>
/// The hub's record of what each device should be: one <see cref="DesiredState"/> per device in the hub database,
/// its revision raised by every change, published retained on the device's desired topic. The database is the truth
/// and the broker a copy: a change is stored first, then published; what could not be published (broker down, hub
/// restarted with an embedded broker that lost its retained messages) is published again by
/// <see cref="DesiredStateRepublisher"/>.
/// </summary>
public sealed class DesiredStateBook(HubDatabase database, IDesiredStatePublisher publisher, TimeProvider time, ILogger<DesiredStateBook> logger)
{
    private readonly Lock _changeLock = new();

    // One publisher at a time per device, each publishing the row as stored at that moment: a retained message the
    // broker holds is then never older than one published before it (a republish read earlier cannot land last).
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _publishGates = new(StringComparer.Ordinal);

    /// <summary>The desired state stored for <paramref name="deviceId"/>, or null when none was ever set.</summary>
    public DesiredState? Current(string deviceId) =>
        database.Read(connection => connection.Query<DesiredRow>(
                "SELECT device_id, revision, json, published_revision FROM desired_states WHERE device_id = ?", deviceId))
            .Select(Parse).FirstOrDefault();

    /// <summary>Every stored desired state.</summary>
    public IReadOnlyList<DesiredState> All() =>
        database.Read(connection => connection.Query<DesiredRow>("SELECT device_id, revision, json, published_revision FROM desired_states ORDER BY device_id"))
            .Select(Parse).ToList();

    /// <summary>
    /// Sets (or with a null <paramref name="value"/> removes) one property of the device's desired state, stores the new
    /// revision and publishes it. A publish that fails is logged and left to <see cref="DesiredStateRepublisher"/>:
    /// the change itself is kept.
    /// </summary>
    /// <returns>The stored desired state.</returns>
    public async Task<DesiredState> SetPropertyAsync(string deviceId, string property, JsonElement? value, CancellationToken cancellationToken)
    {
        if (DeviceIds.FindProblem(deviceId) is { } problem)
            throw new ArgumentException(problem, nameof(deviceId));
        DesiredState state;
        lock (_changeLock)
        {
            var current = Current(deviceId);
            var properties = new Dictionary<string, JsonElement>(current?.Properties ?? new Dictionary<string, JsonElement>(), StringComparer.Ordinal);
            if (value is { } set)
                properties[property] = set.Clone();
            else
                properties.Remove(property);
            state = new DesiredState(deviceId, (current?.Revision ?? 0) + 1, time.GetUtcNow(), properties);
            if (ContractValidator.FindProblem(state) is { } invalid)
                throw new ArgumentException($"desired state of device {deviceId} would be invalid: {invalid}", nameof(value));
            var json = JsonSerializer.Serialize(state, ContractsJsonContext.Default.DesiredState);
            database.Write(connection => connection.Execute("""
                INSERT INTO desired_states (device_id, revision, json, updated_at, published_revision) VALUES (?1, ?2, ?3, ?4, 0)
                ON CONFLICT (device_id) DO UPDATE SET revision = ?2, json = ?3, updated_at = ?4
                """, deviceId, state.Revision, json, UnixTime.ToMs(state.UpdatedAt)));
        }
        await TryPublishNewestAsync(deviceId, onlyUnpublished: false, cancellationToken).ConfigureAwait(false);
        return state;
    }

    /// <summary>Publishes every stored state whose newest revision has not been published (all of them when <paramref name="all"/>).</summary>
    /// <returns>How many were published.</returns>
    public async Task<int> PublishPendingAsync(bool all, CancellationToken cancellationToken)
    {
        var deviceIds = database.Read(connection => connection.QueryScalars<string>(all
            ? "SELECT device_id FROM desired_states ORDER BY device_id"
            : "SELECT device_id FROM desired_states WHERE published_revision < revision ORDER BY device_id"));
        var published = 0;
        foreach (var deviceId in deviceIds)
        {
            if (await TryPublishNewestAsync(deviceId, onlyUnpublished: !all, cancellationToken).ConfigureAwait(false))
                published++;
        }
        return published;
    }

    /// <summary>Publishes the device's desired state as stored now (unless already published and <paramref name="onlyUnpublished"/>).</summary>
    /// <returns>Whether it was published.</returns>
    private async Task<bool> TryPublishNewestAsync(string deviceId, bool onlyUnpublished, CancellationToken cancellationToken)
    {
        var gate = _publishGates.GetOrAdd(deviceId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var row = database.Read(connection => connection.Query<DesiredRow>(
                "SELECT device_id, revision, json, published_revision FROM desired_states WHERE device_id = ?", deviceId)).FirstOrDefault();
            if (row is null || (onlyUnpublished && row.PublishedRevision >= row.Revision))
                return false;
            var state = Parse(row);
            try
            {
                await publisher.PublishAsync(state, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Broker not up, or the connection dropped mid-publish (MQTTnet's own exceptions): the stored state stays
                // unpublished and the republisher tries again; neither the caller's change nor the hub fails for it.
                logger.LogWarning("Desired state revision {Revision} of device {DeviceId} is stored but not published yet: {Reason}",
                    state.Revision, state.DeviceId, e.Message);
                return false;
            }
            database.Write(connection => connection.Execute(
                "UPDATE desired_states SET published_revision = MAX(published_revision, ?2) WHERE device_id = ?1", state.DeviceId, state.Revision));
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    private static DesiredState Parse(DesiredRow row) =>
        JsonSerializer.Deserialize(row.Json, ContractsJsonContext.Default.DesiredState)
        ?? throw new InvalidDataException($"desired_states row of device {row.DeviceId} holds null");

    private sealed class DesiredRow
    {
        [Column("device_id")] public string DeviceId { get; set; } = "";
        [Column("revision")] public long Revision { get; set; }
        [Column("json")] public string Json { get; set; } = "";
        [Column("published_revision")] public long PublishedRevision { get; set; }
    }
}

/// <summary>
/// Publishes stored desired states the broker does not hold: all of them once the broker is up after a start (an
/// embedded broker keeps retained messages in memory only), then any left unpublished, every few seconds.
/// </summary>
public sealed class DesiredStateRepublisher(DesiredStateBook book, IBrokerStatus broker, TimeProvider time, ILogger<DesiredStateRepublisher> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var all = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (broker.IsUp)
                {
                    var published = await book.PublishPendingAsync(all, stoppingToken).ConfigureAwait(false);
                    if (published > 0)
                        logger.LogInformation("Published {Count} stored desired states", published);
                    all = false;
                }
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
