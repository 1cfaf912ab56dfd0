using System.Text.Json;
using EdgeMlops.CloudHub.Notifications;

namespace EdgeMlops.CloudHub.Tests.Notifications;

/// <summary>The webhook's durable queue and delivery log, against a real Kestrel receiver and a real hub database.</summary>
public sealed class WebhookDeliveryLogTests : IAsyncLifetime
{
    private WebhookBench _bench = null!;

    public async Task InitializeAsync() => _bench = await WebhookBench.StartAsync(failFirst: 2);

    public async Task DisposeAsync() => await _bench.DisposeAsync();

    private (WebhookNotifications Queue, WebhookSender Sender, WebhookDeliveryLog Log) Create()
    {
        var (queue, sender) = _bench.Create();
        return (queue, sender, _bench.Log);
    }

    private static HubNotification AlertOpened(long id) =>
        new("alert.opened", $"alert:{id}", new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), JsonSerializer.SerializeToElement(new { alert = new { id } }));

    [Fact]
    public async Task A_receiver_failing_twice_then_answering_gets_three_signed_posts_and_the_log_holds_every_attempt()
    {
        var (queue, sender, log) = Create();
        await sender.StartAsync(CancellationToken.None);
        try
        {
            queue.Enqueue(AlertOpened(7));
            await Eventually.HoldsAsync(() => queue.Delivered == 1, "the notification is delivered on the third attempt");
        }
        finally
        {
            await sender.StopAsync(CancellationToken.None);
            sender.Dispose();
        }

        var posts = _bench.Receiver.Received.ToList();
        Assert.Equal([500, 500, 204], posts.Select(p => p.Status));
        Assert.All(posts, p => Assert.True(WebhookSignature.Verify(WebhookBench.Secret, p.Timestamp, p.Body, p.Signature, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5))));
        var entry = Assert.Single(log.Recent(10));
        Assert.Equal(("alert.opened", "alert:7", WebhookDeliveryLog.Delivered, 3), (entry.Kind, entry.Subject, entry.State, entry.Attempts));
        Assert.NotNull(entry.FinishedAt);
        Assert.Equal([("failed", (int?)500, "HTTP 500"), ("failed", 500, "HTTP 500"), ("delivered", 204, null)],
            entry.Deliveries.Select(d => (d.Outcome, d.Status, d.Problem)));
        Assert.Equal([1, 2, 3], entry.Deliveries.Select(d => d.Attempt));
        // Every attempt carries the notification's id, so a receiver can drop a repeat.
        Assert.All(_bench.Receiver.DeliveryIds, id => Assert.Equal(entry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), id));
    }

    [Fact]
    public async Task Notifications_left_pending_by_a_stopped_hub_are_sent_by_the_next_one()
    {
        var (before, unstarted, log) = Create();
        using (unstarted)
        {
            // Queued and stored, never sent: the hub stopped before its sender got to them.
            before.Enqueue(AlertOpened(1));
            before.Enqueue(AlertOpened(2));
        }
        Assert.Equal([WebhookDeliveryLog.Pending, WebhookDeliveryLog.Pending], log.Recent(10).Select(e => e.State));

        var (after, sender, _) = Create();
        await sender.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.HoldsAsync(() => after.Delivered == 2, "both pending notifications are delivered after the restart");
        }
        finally
        {
            await sender.StopAsync(CancellationToken.None);
            sender.Dispose();
        }
        Assert.Equal(["alert:2", "alert:1"], log.Recent(10).Select(e => e.Subject));
        Assert.All(log.Recent(10), e => Assert.Equal(WebhookDeliveryLog.Delivered, e.State));
    }

    [Fact]
    public void Pruning_deletes_settled_notifications_past_the_retention_and_keeps_pending_ones()
    {
        var log = _bench.Log;
        var at = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var delivered = log.Add("alert.opened", "alert:1", at, "{}"u8.ToArray());
        log.Attempt(delivered, 1, at, 204, null, TimeSpan.FromMilliseconds(5), WebhookDeliveryLog.Delivered);
        var pending = log.Add("alert.opened", "alert:2", at, "{}"u8.ToArray());
        log.Attempt(pending, 1, at, 500, "HTTP 500", TimeSpan.FromMilliseconds(5), final: null);

        Assert.Equal(0, log.Prune(at));
        Assert.Equal(1, log.Prune(at.AddDays(31)));

        var left = Assert.Single(log.Recent(10));
        Assert.Equal((pending, WebhookDeliveryLog.Pending, 1), (left.Id, left.State, left.Deliveries.Count));
        Assert.Empty(_bench.Log.PendingBefore(pending));
    }
}
