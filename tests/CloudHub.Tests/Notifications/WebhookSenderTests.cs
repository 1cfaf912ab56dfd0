using System.Text.Json;
using EdgeMlops.CloudHub.Notifications;

namespace EdgeMlops.CloudHub.Tests.Notifications;

public sealed class WebhookSenderTests : IAsyncLifetime
{
    private const string Secret = WebhookBench.Secret;
    private WebhookBench _bench = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _bench = await WebhookBench.StartAsync(failFirst: 1);
        _receiver = _bench.Receiver;
    }

    public async Task DisposeAsync() => await _bench.DisposeAsync();

    private static HubNotification AliasMoved(string subject) =>
        new("alias.moved", subject, new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), JsonSerializer.SerializeToElement(new { from = "1.0.0", to = "1.1.0" }));

    [Fact]
    public async Task A_notification_is_posted_signed_and_posted_again_after_a_500()
    {
        var (queue, sender) = _bench.Create();
        await sender.StartAsync(CancellationToken.None);
        try
        {
            queue.Enqueue(AliasMoved("vehicle-classifier@production"));

            await Eventually.HoldsAsync(() => queue.Delivered == 1, "the notification is delivered");
        }
        finally
        {
            await sender.StopAsync(CancellationToken.None);
            sender.Dispose();
        }
        var attempts = _receiver.Received.ToList();
        Assert.Equal([500, 204], attempts.Select(a => a.Status));
        var now = DateTimeOffset.UtcNow;
        var window = TimeSpan.FromMinutes(5);
        Assert.All(attempts, a => Assert.True(WebhookSignature.Verify(Secret, a.Timestamp, a.Body, a.Signature, now, window), "the signature verifies with the secret"));
        Assert.False(WebhookSignature.Verify("another-secret-entirely", attempts[0].Timestamp, attempts[0].Body, attempts[0].Signature, now, window));
        Assert.Equal(attempts[0].Body, attempts[1].Body);
        // Replayed later, or with its timestamp moved into the window, the same POST does not verify.
        Assert.False(WebhookSignature.Verify(Secret, attempts[0].Timestamp, attempts[0].Body, attempts[0].Signature, now.AddMinutes(10), window));
        var moved = (long.Parse(attempts[0].Timestamp!, System.Globalization.CultureInfo.InvariantCulture) + 600).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(WebhookSignature.Verify(Secret, moved, attempts[0].Body, attempts[0].Signature, now.AddMinutes(10), window));
        Assert.Equal("alias.moved", attempts[1].Event);
        using var json = JsonDocument.Parse(attempts[1].Body);
        Assert.Equal("vehicle-classifier@production", json.RootElement.GetProperty("subject").GetString());
        Assert.Equal("1.1.0", json.RootElement.GetProperty("detail").GetProperty("to").GetString());
    }

    [Fact]
    public async Task A_full_queue_drops_and_counts_instead_of_blocking_the_caller()
    {
        var (queue, sender) = _bench.Create(capacity: 2);
        using (sender)
        {
            // The sender is not started: nothing drains the queue.
            for (var i = 0; i < 5; i++)
                queue.Enqueue(AliasMoved($"m@a{i}"));

            Assert.Equal(3, queue.Dropped);
        }
    }

    [Fact]
    public async Task Without_a_webhook_url_nothing_is_queued_or_sent()
    {
        var (queue, sender) = _bench.Create(toReceiver: false, capacity: 1);
        await sender.StartAsync(CancellationToken.None);
        try
        {
            queue.Enqueue(AliasMoved("m@a"));
            queue.Enqueue(AliasMoved("m@b"));
        }
        finally
        {
            await sender.StopAsync(CancellationToken.None);
            sender.Dispose();
        }
        Assert.Equal(0, queue.Dropped);
        Assert.Empty(_receiver.Received);
    }
}
