using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeMlops.Messaging.Tests;

public sealed class BrokerClientOptionsTests
{
    [Fact]
    public void Clients_speak_mqtt5_to_the_address_with_large_socket_buffers()
    {
        var options = BrokerClientOptions.For(new BrokerAddress("10.0.0.5", 1999, UseTls: false), "dev-a").BuildWithLargeBuffers();

        var tcp = Assert.IsType<MqttClientTcpOptions>(options.ChannelOptions);
        Assert.Equal(BrokerClientOptions.SocketBufferBytes, tcp.BufferSize);
        Assert.Equal(1024 * 1024, tcp.BufferSize);
        Assert.Equal(MqttProtocolVersion.V500, options.ProtocolVersion);
        Assert.Equal("dev-a", options.ClientId);
        Assert.False(tcp.TlsOptions.UseTls);
    }

    [Fact]
    public void An_mqtts_address_gets_tls_checked_against_its_host()
    {
        var checkedHere = false;
        var options = BrokerClientOptions.For(new BrokerAddress("hub.example.net", 8883, UseTls: true), "dev-a", tls => checkedHere = true).Build();

        var tcp = Assert.IsType<MqttClientTcpOptions>(options.ChannelOptions);
        Assert.True(tcp.TlsOptions.UseTls);
        Assert.Equal("hub.example.net", tcp.TlsOptions.TargetHost);
        Assert.True(checkedHere);
    }
}
