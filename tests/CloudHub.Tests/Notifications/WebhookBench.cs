using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.CloudHub.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Tests.Notifications;

/// <summary>
/// A real Kestrel receiver (failing its first <c>failFirst</c> POSTs) and a real hub database, and webhook queues and
/// senders over them with short retry delays: each <see cref="Create"/> is one hub run's webhook side.
/// </summary>
internal sealed class WebhookBench : IAsyncDisposable
{
    public const string Secret = "a-webhook-secret-of-some-length";

    private readonly TempDirectory _directory = new();
    private readonly HubDatabase _database;

    private WebhookBench(WebhookReceiver receiver)
    {
        Receiver = receiver;
        _database = new HubDatabase(Options.Create(new HubStoreOptions { Path = _directory.File("hub.db") }));
    }

    public WebhookReceiver Receiver { get; }

    public WebhookDeliveryLog Log => new(_database);

    public static async Task<WebhookBench> StartAsync(int failFirst) => new(await WebhookReceiver.StartAsync(failFirst));

    /// <param name="toReceiver">Whether a webhook URL (the receiver) is configured at all.</param>
    public (WebhookNotifications Queue, WebhookSender Sender) Create(bool toReceiver = true, int capacity = 100)
    {
        var options = Options.Create(new NotificationOptions
        {
            WebhookUrl = toReceiver ? Receiver.Url : null,
            WebhookSecret = Secret,
            QueueCapacity = capacity,
            MaxAttempts = 4,
            RetryDelay = TimeSpan.FromMilliseconds(50),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        });
        var queue = new WebhookNotifications(options, Log, TimeProvider.System, NullLogger<WebhookNotifications>.Instance);
        return (queue, new WebhookSender(queue, options, TimeProvider.System, NullLogger<WebhookSender>.Instance));
    }

    public async ValueTask DisposeAsync()
    {
        await Receiver.DisposeAsync();
        _database.Dispose();
        _directory.Dispose();
    }
}
