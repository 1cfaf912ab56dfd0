using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using EdgeMlops.Observability;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Notifications;

/// <summary>
/// Takes notifications for the webhook into a bounded queue without ever blocking the caller; with no
/// <c>Hub:Notifications:WebhookUrl</c> it takes nothing. A full queue drops the notification, counted and logged.
/// </summary>
public sealed class WebhookNotifications : IHubNotifications, IMetricsSource
{
    private readonly Channel<HubNotification> _queue;
    private readonly bool _enabled;
    private readonly ILogger<WebhookNotifications> _logger;
    private long _dropped;
    private long _delivered;
    private long _failedAttempts;
    private long _givenUp;

    public WebhookNotifications(IOptions<NotificationOptions> options, ILogger<WebhookNotifications> logger)
    {
        _enabled = !string.IsNullOrEmpty(options.Value.WebhookUrl);
        _logger = logger;
        _queue = Channel.CreateBounded<HubNotification>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuse the newest, so the drop is seen and counted
            SingleReader = true,
        });
    }

    internal ChannelReader<HubNotification> Reader => _queue.Reader;

    public long Dropped => Interlocked.Read(ref _dropped);
    public long Delivered => Interlocked.Read(ref _delivered);

    public void Enqueue(HubNotification notification)
    {
        if (!_enabled)
            return;
        if (_queue.Writer.TryWrite(notification))
            return;
        var dropped = Interlocked.Increment(ref _dropped);
        _logger.LogWarning("Webhook queue is full: dropped {Kind} notification for {Subject} ({Dropped} dropped so far)", notification.Kind, notification.Subject, dropped);
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
/// </summary>
public sealed class WebhookSender(WebhookNotifications notifications, IOptions<NotificationOptions> options, TimeProvider time, ILogger<WebhookSender> logger)
    : BackgroundService
{
    public const string EventHeader = "X-EdgeMlops-Event";

    private readonly HttpClient _http = new() { Timeout = options.Value.Timeout };

    /// <summary>
    /// For a one-shot process (the CLI), which runs no hosted services: closes the queue and delivers what it holds, with
    /// the usual retries, before returning.
    /// </summary>
    public Task DeliverQueuedAsync(CancellationToken cancellationToken)
    {
        notifications.Complete();
        return ExecuteAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.WebhookUrl))
            return;
        logger.LogInformation("Webhook notifications go to {Url}", settings.WebhookUrl);
        try
        {
            await foreach (var notification in notifications.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                await DeliverAsync(notification, settings, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(HubNotification notification, NotificationOptions settings, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(notification, NotificationJsonContext.Default.HubNotification);
        var delay = settings.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            // Signed per attempt: a retry carries the time it was sent, so the receiver's replay window holds for it too.
            var sentAt = time.GetUtcNow().ToUnixTimeSeconds();
            var signature = WebhookSignature.Compute(settings.WebhookSecret!, sentAt, body);
            var problem = await PostAsync(settings.WebhookUrl!, notification.Kind, body, sentAt, signature, cancellationToken).ConfigureAwait(false);
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

    /// <returns>Null when the receiver answered 2xx; otherwise what went wrong.</returns>
    private async Task<string?> PostAsync(string url, string kind, byte[] body, long sentAt, string signature, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookSignature.Header, signature);
        request.Headers.Add(WebhookSignature.TimestampHeader, sentAt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(EventHeader, kind);
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {_http.Timeout}";
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
