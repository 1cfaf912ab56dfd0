using EdgeMlops.CloudHub.Broker;
using EdgeMlops.Messaging;

namespace EdgeMlops.CloudHub.Tests.Broker;

public sealed class BrokerOptionsTests
{
    [Theory]
    [InlineData("mqtt://127.0.0.1:1884", "127.0.0.1", 1884, false)]
    [InlineData("tcp://10.0.0.5:1999", "10.0.0.5", 1999, false)]
    [InlineData("mqtts://broker.example.com", "broker.example.com", 8883, true)]
    public void External_broker_urls_parse(string text, string host, int port, bool tls)
    {
        Assert.True(new BrokerOptions { Url = text }.TryParseUrl(out var url, out _));
        Assert.Equal(new BrokerAddress(host, port, tls), url);
    }

    [Theory]
    [InlineData("ftp://x")]
    [InlineData("127.0.0.1:1883")]
    [InlineData("mqtt://user:pw@host:1883")]
    [InlineData("mqtt://host:1883/path")]
    public void Bad_urls_are_refused_naming_the_key(string text)
    {
        var problems = new BrokerOptionsValidator().Validate(null, new BrokerOptions { Url = text });

        Assert.True(problems.Failed);
        Assert.Contains("Hub:Broker:Url", problems.FailureMessage);
    }

    [Theory]
    [InlineData("127.0.0.1:1883", true)]
    [InlineData("[::1]:1883", true)]
    [InlineData("localhost:1883", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.0.0.1:0", false)]
    [InlineData("nonsense", false)]
    public void Listen_addresses_need_an_ip_and_a_port(string text, bool valid)
    {
        Assert.Equal(valid, ListenAddress.TryParse(text, out _, out var problem));
        if (!valid) Assert.Contains("Hub:Broker:Listen", problem);
    }
}
