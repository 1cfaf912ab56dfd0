using EdgeMlops.CloudHub.Broker;

namespace EdgeMlops.CloudHub.Tests.Broker;

/// <summary>The framing the guard follows: each packet's announced length against the limit of its place in the stream.</summary>
public sealed class MqttPacketSizeGuardTests
{
    private static readonly byte[] SmallConnect = RawMqttSocket.Connect("dev-a", "dev-a", "secret");

    [Fact]
    public async Task A_connect_announcing_more_than_the_connect_limit_is_refused_on_its_header()
    {
        var tooLarge = new List<MqttPacketTooLargeException>();
        byte[] header = [0x10, .. RawMqttSocket.RemainingLength(256 * 1024 * 1024 - 1)];
        using var guard = Guard([.. header, 1, 2, 3], tooLarge);

        var ex = await Assert.ThrowsAsync<MqttPacketTooLargeException>(() => guard.ReadAsync(new byte[64]).AsTask());

        Assert.True(ex.BeforeConnect);
        Assert.Single(tooLarge);
        Assert.False(guard.ConnectRead.IsCompleted);
    }

    [Fact]
    public async Task A_whole_connect_completes_connect_read_and_later_packets_get_the_larger_limit()
    {
        byte[] publish = [0x32, .. RawMqttSocket.RemainingLength(100_000), .. new byte[100_000]];
        using var guard = Guard([.. SmallConnect, .. publish], []);

        var read = await ReadAllAsync(guard, chunk: 7); // in odd pieces, as TCP may deliver them

        Assert.Equal(SmallConnect.Length + publish.Length, read);
        Assert.True(guard.ConnectRead.IsCompleted);
    }

    [Fact]
    public async Task Half_a_connect_does_not_complete_connect_read()
    {
        using var guard = Guard(SmallConnect[..10], []);

        await ReadAllAsync(guard, chunk: 64);

        Assert.False(guard.ConnectRead.IsCompleted);
    }

    [Fact]
    public async Task A_packet_after_login_over_the_packet_limit_is_refused()
    {
        byte[] publish = [0x32, .. RawMqttSocket.RemainingLength(2_000_001)];
        using var guard = Guard([.. SmallConnect, .. publish], []);

        var ex = await Assert.ThrowsAsync<MqttPacketTooLargeException>(() => ReadAllAsync(guard, chunk: 4096));

        Assert.False(ex.BeforeConnect);
    }

    private static MqttPacketSizeGuard Guard(byte[] bytes, List<MqttPacketTooLargeException> tooLarge) =>
        new(new MemoryStream(bytes), connectLimit: 8 * 1024, packetLimit: 2_000_000, tooLarge.Add);

    private static async Task<int> ReadAllAsync(Stream stream, int chunk)
    {
        var buffer = new byte[chunk];
        int total = 0, read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
            total += read;
        return total;
    }
}
