using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using EdgeMlops.Observability;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Notifications;

/// <summary>
/// Takes notifications for the webhook without ever blocking the caller: each is written to the delivery log
/// (<see cref="WebhookDeliveryLog"/>, the durable queue) and put on a bounded in-memory queue for the sender; with no
/// <c>Hub:Notifications:WebhookUrl</c> it takes nothing. A full queue drops the notification (marked dropped, counted and
/// logged). Pending notifications a previous run left behind are queued again by <see cref="RecoverPending"/>.
/// </summary>
public sealed class WebhookNotifications : IHubNotifications, IMetricsSource
{
    private readonly Channel<QueuedNotification> _queue;
    private readonly bool _enabled;
    private readonly WebhookDeliveryLog _log;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookNotifications> _logger;
    private readonly Lock _enqueueLock = new();
    private long _firstOwnId = long.MaxValue;
    private bool _recovered;
    private long _dropped;
    private long _delivered;
    private long _failedAttempts;
    private long _givenUp;

    public WebhookNotifications(IOptions<NotificationOptions> options, WebhookDeliveryLog log, TimeProvider time, ILogger<WebhookNotifications> logger)
    {
        _enabled = !string.IsNullOrEmpty(options.Value.WebhookUrl);
        _log = log;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<QueuedNotification>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuse the newest, so the drop is seen and counted
            SingleReader = true,
        });
    }

    internal ChannelReader<QueuedNotification> Reader => _queue.Reader;

    internal WebhookDeliveryLog Log => _log;

    public long Dropped => Interlocked.Read(ref _dropped);
    public long Delivered => Interlocked.Read(ref _delivered);

    public void Enqueue(HubNotification notification)
    {
        if (!_enabled)
            return;
        var body = JsonSerializer.SerializeToUtf8Bytes(notification, NotificationJsonContext.Default.HubNotification);
        try
        {
            lock (_enqueueLock)
            {
                var id = _log.Add(notification.Kind, notification.Subject, _time.GetUtcNow(), body);
                _firstOwnId = Math.Min(_firstOwnId, id);
                if (_queue.Writer.TryWrite(new QueuedNotification(id, notification.Kind, notification.Subject, body)))
                    return;
                _log.MarkDropped(id, _time.GetUtcNow());
            }
        }
        catch (Exception e) when (e is SQLite.SQLiteException or ObjectDisposedException or IOException)
        {
            // The caller's change is done and must not fail for its notification: the store refusing (disk full, the hub
            // stopping) loses this one notification, counted and logged like a full queue.
            var lost = Interlocked.Increment(ref _dropped);
            _logger.LogError("Could not store {Kind} notification for {Subject} for the webhook: {Reason} ({Dropped} dropped so far)",
                notification.Kind, notification.Subject, e.Message, lost);
            return;
        }
        var dropped = Interlocked.Increment(ref _dropped);
        _logger.LogWarning("Webhook queue is full: dropped {Kind} notification for {Subject} ({Dropped} dropped so far)", notification.Kind, notification.Subject, dropped);
    }

    /// <summary>
    /// Queues the notifications a previous run stored but did not settle (the hub stopped or died mid-delivery), behind
    /// any of this run's own already waiting; once per process, by the hub's sender (not by a one-shot CLI, which
    /// delivers only its own, so the two never send the same row on purpose).
    /// </summary>
    /// <returns>How many were queued again.</returns>
    internal int RecoverPending()
    {
        lock (_enqueueLock)
        {
            if (_recovered || !_enabled)
                return 0;
            _recovered = true;
            var queued = 0;
            foreach (var pending in _log.PendingBefore(_firstOwnId))
            {
                // A full queue leaves the rest pending in the log, for the next start.
                if (!_queue.Writer.TryWrite(pending))
                    break;
                queued++;
            }
            return queued;
        }
    }

    internal void Complete() => _queue.Writer.TryComplete();
    internal void DeliveredOne() => Interlocked.Increment(ref _delivered);
    internal void AttemptFailed() => Interlocked.Increment(ref _failedAttempts);
    internal void GaveUp() => Interlocked.Increment(ref _givenUp);

    public void WriteMetrics(PrometheusTextWriter writer)
    {
        writer.Counter("edgemlops_webhook_notifications_total", "Webhook notifications, by outcome (delivered, dropped: queue full, given up: every attempt failed).")
            .Sample("edgemlops_webhook_notifications_total", Delivered, ("outcome", "delivered"))
            .Sample("edgemlops_webhook_notifications_total", Dropped, ("outcome", "dropped"))
            .Sample("edgemlops_webhook_notifications_total", Interlocked.Read(ref _givenUp), ("outcome", "given_up"));
        writer.Counter("edgemlops_webhook_failed_attempts_total", "Webhook POSTs that failed (error status, timeout, no connection) and were retried or given up.")
            .Sample("edgemlops_webhook_failed_attempts_total", Interlocked.Read(ref _failedAttempts));
    }
}

/// <summary>
/// POSTs each queued notification to the webhook as JSON, signed (<see cref="WebhookSignature"/>), in order, retrying a
/// failed POST with doubling delays up to <c>MaxAttempts</c>; a notification still undelivered then is logged and counted.
/// Every attempt is written to the delivery log. At start it first sends what a previous run left pending, so delivery
/// is at least once: the <c>X-EdgeMlops-Delivery</c> header (the notification's id) lets a receiver drop a repeat.
/// </summary>
public sealed class WebhookSender(WebhookNotifications notifications, IOptions<NotificationOptions> options, TimeProvider time, ILogger<WebhookSender> logger)
    : BackgroundService
{
    public const string EventHeader = "X-EdgeMlops-Event";
    public const string DeliveryHeader = "X-EdgeMlops-Delivery";

    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    private readonly HttpClient _http = new() { Timeout = options.Value.Timeout };
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    /// <summary>
    /// For a one-shot process (the CLI), which runs no hosted services: closes the queue and delivers what it holds, with
    /// the usual retries, before returning.
    /// </summary>
    public Task DeliverQueuedAsync(CancellationToken cancellationToken)
    {
        notifications.Complete();
        return DeliverAllAsync(options.Value, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.WebhookUrl))
            return;
        logger.LogInformation("Webhook notifications go to {Url}", settings.WebhookUrl);
        if (notifications.RecoverPending() is > 0 and var recovered)
            logger.LogInformation("Sending {Count} webhook notifications a previous run left undelivered", recovered);
        await DeliverAllAsync(settings, stoppingToken).ConfigureAwait(false);
    }

    private async Task DeliverAllAsync(NotificationOptions settings, CancellationToken stoppingToken)
    {
        if (string.IsNullOrEmpty(settings.WebhookUrl))
            return;
        try
        {
            await foreach (var notification in notifications.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                await DeliverAsync(notification, settings, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(QueuedNotification notification, NotificationOptions settings, CancellationToken cancellationToken)
    {
        var body = notification.Body;
        var delay = settings.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            // Signed per attempt: a retry carries the time it was sent, so the receiver's replay window holds for it too.
            var sentAt = time.GetUtcNow().ToUnixTimeSeconds();
            var signature = WebhookSignature.Compute(settings.WebhookSecret!, sentAt, body);
            var started = time.GetTimestamp();
            var (status, problem) = await PostAsync(settings.WebhookUrl!, notification, sentAt, signature, cancellationToken).ConfigureAwait(false);
            var duration = time.GetElapsedTime(started);
            var final = problem is null ? WebhookDeliveryLog.Delivered : attempt >= settings.MaxAttempts ? WebhookDeliveryLog.GivenUp : null;
            RecordAttempt(notification, attempt, status, problem, duration, final);
            if (problem is null)
            {
                notifications.DeliveredOne();
                return;
            }
            notifications.AttemptFailed();
            if (attempt >= settings.MaxAttempts)
            {
                notifications.GaveUp();
                logger.LogError("Gave up delivering {Kind} notification for {Subject} to the webhook after {Attempts} attempts: {Problem}",
                    notification.Kind, notification.Subject, attempt, problem);
                return;
            }
            logger.LogWarning("Webhook attempt {Attempt} for {Kind} {Subject} failed ({Problem}); retrying in {Delay}",
                attempt, notification.Kind, notification.Subject, problem, delay);
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxRetryDelay.Ticks));
        }
    }

    private void RecordAttempt(QueuedNotification notification, int attempt, int? status, string? problem, TimeSpan duration, string? final)
    {
        try
        {
            notifications.Log.Attempt(notification.Id, attempt, time.GetUtcNow(), status, problem, duration, final);
            if (final is not null && time.GetUtcNow() - _lastPrune > PruneInterval)
            {
                _lastPrune = time.GetUtcNow();
                var pruned = notifications.Log.Prune(_lastPrune - options.Value.LogRetention);
                if (pruned > 0)
                    logger.LogInformation("Pruned {Count} settled webhook notifications older than {Retention}", pruned, options.Value.LogRetention);
            }
        }
        catch (Exception e) when (e is SQLite.SQLiteException or ObjectDisposedException or IOException)
        {
            // Delivery goes on without its log entry: the receiver matters more than the record of it.
            logger.LogWarning("Could not log webhook attempt {Attempt} of notification {Id}: {Reason}", attempt, notification.Id, e.Message);
        }
    }

    /// <returns>The HTTP status (none without an answer), and null when the receiver answered 2xx or what went wrong otherwise.</returns>
    private async Task<(int? Status, string? Problem)> PostAsync(string url, QueuedNotification notification, long sentAt, string signature, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(notification.Body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookSignature.Header, signature);
        request.Headers.Add(WebhookSignature.TimestampHeader, sentAt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(EventHeader, notification.Kind);
        request.Headers.Add(DeliveryHeader, notification.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return ((int)response.StatusCode, response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}");
        }
        catch (HttpRequestException e)
        {
            return (null, e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer within {_http.Timeout}");
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HubNotification))]
internal sealed partial class NotificationJsonContext : JsonSerializerContext;
