using EdgeMlops.CloudHub.Broker;

namespace EdgeMlops.CloudHub.Tests.Broker;

public sealed class BrokerOptionsTests
{
    [Theory]
    [InlineData("mqtt://127.0.0.1:1884", "127.0.0.1", 1884, false)]
    [InlineData("mqtt://broker.local", "broker.local", 1883, false)]
    [InlineData("tcp://10.0.0.5:1999", "10.0.0.5", 1999, false)]
    [InlineData("mqtts://broker.example.com", "broker.example.com", 8883, true)]
    public void External_broker_urls_parse(string text, string host, int port, bool tls)
    {
        Assert.True(BrokerAddress.TryParseUrl(text, out var url, out _));
        Assert.Equal(new BrokerUrl(host, port, tls), url);
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
        Assert.Equal(valid, BrokerAddress.TryParseListen(text, out _, out var problem));
        if (!valid) Assert.Contains("Hub:Broker:Listen", problem);
    }

    [Fact]
    public void Reconnect_delays_grow_up_to_the_maximum_and_reset_after_success()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), new Random(1));

        var delays = Enumerable.Range(0, 10).Select(_ => backoff.NextDelay()).ToList();
        backoff.Reset();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2)));
        Assert.True(delays[^1] >= TimeSpan.FromSeconds(1), "late delays sit between half the maximum and the maximum");
        Assert.InRange(backoff.NextDelay(), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100));
    }
}
