namespace EdgeMlops.Messaging.Tests;

public sealed class BrokerAddressTests
{
    private const string Key = "Sync:Broker";
    private const string CredentialKeys = "Sync:Username and Sync:PasswordFile";

    private static BrokerAddress Parse(string text) => BrokerAddress.Parse(text, Key, CredentialKeys);

    [Theory]
    [InlineData("mqtt://10.0.0.5", "10.0.0.5", 1883, false)]
    [InlineData("mqtts://hub.example.net", "hub.example.net", 8883, true)]
    [InlineData("mqtt://localhost:2883", "localhost", 2883, false)]
    [InlineData("mqtts://[::1]:9883/", "::1", 9883, true)]
    [InlineData("mqtt://127.0.0.1:1884", "127.0.0.1", 1884, false)]
    [InlineData("mqtt://broker.local", "broker.local", 1883, false)]
    [InlineData("tcp://10.0.0.5:1999", "10.0.0.5", 1999, false)]
    [InlineData("mqtts://broker.example.com", "broker.example.com", 8883, true)]
    [InlineData("ssl://broker.example.com", "broker.example.com", 8883, true)]
    public void Broker_addresses_default_their_port_by_scheme(string text, string host, int port, bool tls) =>
        Assert.Equal(new BrokerAddress(host, port, tls), Parse(text));

    [Theory]
    [InlineData("ftp://x", "scheme 'ftp'")]
    [InlineData("127.0.0.1:1883", "mqtt://host")]
    [InlineData("mqtt://", "names no host")]
    [InlineData("no scheme at all", "not a URI")]
    [InlineData("mqtt://user:secret@broker", "credentials; put them in Sync:Username and Sync:PasswordFile")]
    [InlineData("mqtt://broker/path", "path")]
    [InlineData("mqtt://broker?x=1", "query")]
    [InlineData("", "empty")]
    public void What_is_not_a_broker_address_is_refused_naming_the_key(string text, string why)
    {
        var problem = BrokerAddress.FindProblem(text, Key, CredentialKeys);

        Assert.NotNull(problem);
        Assert.StartsWith(Key, problem);
        Assert.Contains(why, problem);
        var failure = Assert.Throws<InvalidOperationException>(() => Parse(text));
        Assert.Equal(problem, failure.Message);
    }

    [Theory]
    [InlineData("mqtt://broker.local", "mqtt://broker.local:1883")]
    [InlineData("ssl://[::1]:9883", "mqtts://[::1]:9883")]
    public void The_address_prints_without_aliases_and_with_its_port(string text, string printed) =>
        Assert.Equal(printed, Parse(text).ToString());
}
