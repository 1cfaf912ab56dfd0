using EdgeMlops.CloudHub.Hosting;

namespace EdgeMlops.CloudHub.Tests.Hosting;

public sealed class HubHttpOptionsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://192.168.1.5:8080", false)]
    [InlineData("http://hub.example.com:8080", false)]
    public void Only_loopback_http_urls_count_as_loopback(string url, bool loopback) =>
        Assert.Equal(loopback, HubHttpOptions.IsLoopback(url));

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1:8080")]
    [InlineData("http://127.0.0.1:8080/api")]
    public void A_url_kestrel_cannot_listen_on_is_refused_naming_the_key(string url)
    {
        var result = new HubHttpOptionsValidator().Validate(null, new HubHttpOptions { Url = url });

        Assert.True(result.Failed);
        Assert.Contains("Hub:Http:Url", result.FailureMessage);
    }

    [Fact]
    public void The_default_url_is_valid() => Assert.True(new HubHttpOptionsValidator().Validate(null, new HubHttpOptions()).Succeeded);

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("[::1]", true)]
    [InlineData("hub.internal", true)] // the host of Hub:Http:Url
    [InlineData("rebound.attacker.example", false)]
    [InlineData("127.0.0.1.nip.io", false)]
    [InlineData("", false)]
    public void By_default_only_loopback_names_and_the_urls_own_host_are_served(string host, bool allowed) =>
        Assert.Equal(allowed, HostAllowList.IsAllowed(host, new HubHttpOptions { Url = "http://hub.internal:8080" }));

    [Fact]
    public void A_star_serves_any_host_and_an_empty_list_is_refused_naming_the_key()
    {
        Assert.True(HostAllowList.IsAllowed("anything.example", new HubHttpOptions { AllowedHosts = "*" }));
        var empty = new HubHttpOptionsValidator().Validate(null, new HubHttpOptions { AllowedHosts = " " });
        Assert.Contains("Hub:Http:AllowedHosts", empty.FailureMessage);
    }
}
