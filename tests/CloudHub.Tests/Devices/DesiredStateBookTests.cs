using System.Text.Json;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

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
}
