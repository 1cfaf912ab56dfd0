using System.Text.Json;
using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeMlops.CloudHub.Tests.Devices;

public sealed class DesiredStateBookTests
{
    private static readonly DesiredModel V2 = new("vehicle-classifier", "2", new string('a', 64), "http://hub.test/", "7");

    [Fact]
    public async Task Every_change_raises_the_revision_and_keeps_the_other_properties()
    {
        await using var hub = new InProcessHub();
        hub.Enroll("box-1");
        var book = hub.Get<DesiredStateBook>();

        var first = await book.SetPropertyAsync("box-1", "other", JsonSerializer.SerializeToElement(3), CancellationToken.None);
        var second = await book.SetPropertyAsync("box-1", DesiredModel.PropertyName, V2.ToProperty(), CancellationToken.None);
        var third = await book.SetPropertyAsync("box-1", "other", null, CancellationToken.None);

        Assert.Equal([1L, 2L, 3L], new[] { first.Revision, second.Revision, third.Revision });
        var stored = book.Current("box-1")!;
        Assert.Equal(3, stored.Revision);
        Assert.True(DesiredModel.TryRead(stored, out var model, out _));
        Assert.Equal(V2, model);
        Assert.False(stored.Properties!.ContainsKey("other"));
        Assert.Null(book.Current("box-2"));
        Assert.Throws<ArgumentException>(() => book.SetPropertyAsync("bad id!", "x", null, CancellationToken.None).GetAwaiter().GetResult());
    }

    [Fact]
    public async Task A_restarted_hub_publishes_the_stored_desired_state_again()
    {
        using var directory = new TempDirectory();
        string secret;
        await using (var hub = await InProcessHub.StartAsync(directory.Path))
        {
            secret = hub.Enroll("box-1");
            await hub.Get<DesiredStateBook>().SetPropertyAsync("box-1", DesiredModel.PropertyName, V2.ToProperty(), CancellationToken.None);
        }

        // The embedded broker kept retained messages in memory only: what the device gets now was republished from the database.
        await using var restarted = await InProcessHub.StartAsync(directory.Path);
        await using var device = await TestDevice.ConnectAsync(restarted.Port, "box-1", secret);
        await device.SubscribeAsync(Topics.Desired("box-1"));
        // Retained when republished before the subscription, live when after: either way it arrives.
        await Eventually.HoldsAsync(() => device.Received.Any(m => m.Topic == Topics.Desired("box-1")), "the desired state after the restart");
        var message = device.Received.First(m => m.Topic == Topics.Desired("box-1"));
        Assert.True(ContractReader.TryReadDesiredState(message.Payload, out var state, out _));
        Assert.Equal(1, state!.Revision);
        Assert.True(DesiredModel.TryRead(state, out var model, out _));
        Assert.Equal(V2, model);
    }

    [Fact]
    public async Task A_republish_read_before_a_newer_change_never_lands_after_it()
    {
        var publisher = new RecordingPublisher();
        await using var hub = new InProcessHub(services => services.Replace(ServiceDescriptor.Singleton<IDesiredStatePublisher>(publisher)));
        hub.Enroll("box-a");
        hub.Enroll("box-b");
        var book = hub.Get<DesiredStateBook>();
        await book.SetPropertyAsync("box-a", "other", JsonSerializer.SerializeToElement(1), CancellationToken.None);
        await book.SetPropertyAsync("box-b", "other", JsonSerializer.SerializeToElement(1), CancellationToken.None);

        // The republisher after a restart: held up publishing box-a while box-b gets revision 2 and publishes it.
        publisher.HoldNext("box-a");
        var republish = book.PublishPendingAsync(all: true, CancellationToken.None);
        await publisher.Held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await book.SetPropertyAsync("box-b", "other", JsonSerializer.SerializeToElement(2), CancellationToken.None);
        publisher.Release.SetResult();
        await republish;

        Assert.Equal(2, publisher.Published.Last(p => p.DeviceId == "box-b").Revision);
    }

    [Fact]
    public async Task A_connection_lost_while_publishing_keeps_the_change_and_is_published_later()
    {
        var publisher = new RecordingPublisher { Failure = new MQTTnet.Exceptions.MqttCommunicationException("connection lost") };
        await using var hub = new InProcessHub(services => services.Replace(ServiceDescriptor.Singleton<IDesiredStatePublisher>(publisher)));
        hub.Enroll("box-1");
        var book = hub.Get<DesiredStateBook>();

        var stored = await book.SetPropertyAsync("box-1", DesiredModel.PropertyName, V2.ToProperty(), CancellationToken.None);
        Assert.Equal(0, await book.PublishPendingAsync(all: false, CancellationToken.None));

        publisher.Failure = null;
        Assert.Equal(1, await book.PublishPendingAsync(all: false, CancellationToken.None));
        Assert.Equal([("box-1", stored.Revision)], publisher.Published);
        Assert.Equal(0, await book.PublishPendingAsync(all: false, CancellationToken.None));
    }

    /// <summary>Records what reaches the broker, in order; can fail every publish, or hold one device's next publish until released.</summary>
    private sealed class RecordingPublisher : IDesiredStatePublisher
    {
        private readonly List<(string, long)> _published = [];
        private string? _hold;

        public Exception? Failure { get; set; }
        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<(string DeviceId, long Revision)> Published
        {
            get { lock (_published) return _published.ToList(); }
        }

        public void HoldNext(string deviceId) => _hold = deviceId;

        public async Task PublishAsync(DesiredState state, CancellationToken cancellationToken)
        {
            if (Failure is { } failure)
                throw failure;
            if (state.DeviceId == _hold)
            {
                _hold = null;
                Held.SetResult();
                await Release.Task.WaitAsync(cancellationToken);
            }
            lock (_published) _published.Add((state.DeviceId, state.Revision));
        }
    }
}
