using EdgeMlops.CloudHub.Alerts;
using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Tests.Rollout;
using EdgeMlops.CloudHub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeMlops.CloudHub.Tests.Alerts;

/// <summary>
/// A hub built and not started (real store, real engine, on its fake clock) whose precision reader the test feeds and
/// whose notifications are recorded; <see cref="ReopenAsync"/> builds a new hub over the same database, as a restart does.
/// </summary>
internal sealed class AlertBench : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly IDictionary<string, string?>? _settings;
    private InProcessHub _hub;

    public AlertBench(IDictionary<string, string?>? settings = null)
    {
        _settings = settings;
        _hub = Build();
    }

    public FedPrecisionReader Reader { get; } = new();
    public RecordedNotifications Notifications { get; private set; } = new();
    public InProcessHub Hub => _hub;
    public AlertStore Store => _hub.Get<AlertStore>();
    public AlertEngine Engine => _hub.Get<AlertEngine>();
    public DateTimeOffset Now => _hub.Time.GetUtcNow();

    private InProcessHub Build() => new(services =>
    {
        services.AddSingleton<IPrecisionReader>(Reader);
        services.Replace(ServiceDescriptor.Singleton<IHubNotifications>(Notifications));
    }, _settings, _directory.Path);

    /// <summary>Moves the clock on and evaluates, then flushes the channels (notifications; the broker is not running).</summary>
    public async Task<AlertPass> EvaluateAsync(TimeSpan? after = null)
    {
        _hub.Time.Advance(after ?? TimeSpan.FromSeconds(30));
        var pass = Engine.Evaluate();
        await _hub.Get<AlertChannels>().FlushAsync(all: false, CancellationToken.None);
        return pass;
    }

    public string? Act(long id, AlertAction action, string actor, string? note) =>
        AlertActions.Apply(Store, _hub.Get<AuditLog>(), id, action, actor, note, Now);

    /// <summary>The device reports serving <paramref name="version"/> of the model (as its reported state would record it).</summary>
    public void Serves(string deviceId, string version, string model = "vehicle-classifier")
    {
        if (!_hub.Registry.IsEnrolled(deviceId))
            _hub.Enroll(deviceId);
        _hub.Database.Write(c => c.Execute("UPDATE devices SET model_name = ?, model_version = ? WHERE id = ?", model, version, deviceId));
    }

    public async Task ReopenAsync()
    {
        var time = _hub.Time.GetUtcNow();
        await _hub.DisposeAsync();
        Notifications = new RecordedNotifications();
        _hub = Build();
        _hub.Time.SetUtcNow(time);
    }

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        _directory.Dispose();
    }
}
