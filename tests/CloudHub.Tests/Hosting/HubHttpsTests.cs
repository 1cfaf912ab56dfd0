using System.Net;
using System.Net.Http.Headers;
using EdgeMlops.CloudHub.Hosting;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Hosting;

/// <summary>The API over HTTPS from a certificate and key in PEM files, and the start refused when they are not usable.</summary>
public sealed class HubHttpsTests
{
    [Fact]
    public async Task A_hub_with_a_certificate_serves_health_and_the_api_over_https_to_a_client_trusting_it()
    {
        using var directory = new TempDirectory();
        var certificate = await SelfSignedCertificate.CreateAsync(directory.Path);
        await using var hub = await InProcessHub.StartAsync(settings: Https(certificate.CertificatePath, certificate.KeyPath));
        using var client = certificate.TrustingClient(hub.BaseAddress);

        Assert.Equal("https", hub.BaseAddress.Scheme);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/devices")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", hub.AddOperator("alice", OperatorRole.Viewer));
        Assert.Equal("[]", await client.GetStringAsync("/api/devices"));
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_certificate_is_refused()
    {
        using var directory = new TempDirectory();
        var certificate = await SelfSignedCertificate.CreateAsync(directory.Path);
        await using var hub = await InProcessHub.StartAsync(settings: Https(certificate.CertificatePath, certificate.KeyPath));
        using var client = new HttpClient { BaseAddress = hub.BaseAddress };

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/healthz"));
    }

    [Fact]
    public async Task Missing_files_a_key_of_another_certificate_and_https_without_a_certificate_are_refused_naming_key_and_file()
    {
        using var directory = new TempDirectory();
        var certificate = await SelfSignedCertificate.CreateAsync(directory.Path, "hub");
        var other = await SelfSignedCertificate.CreateAsync(directory.Path, "other");
        var validator = new HubHttpOptionsValidator();
        HubHttpOptions Options(string? cert, string? key) => new() { Url = "https://127.0.0.1:8443", Certificate = cert, Key = key };

        var missing = validator.Validate(null, Options(directory.File("nope.pem"), certificate.KeyPath));
        var mismatched = validator.Validate(null, Options(certificate.CertificatePath, other.KeyPath));
        var none = validator.Validate(null, Options(null, null));
        var plain = validator.Validate(null, new HubHttpOptions { Certificate = certificate.CertificatePath, Key = certificate.KeyPath });

        Assert.Contains("Hub:Http:Certificate", missing.FailureMessage);
        Assert.Contains(directory.File("nope.pem"), missing.FailureMessage);
        Assert.Contains("Hub:Http:Key", mismatched.FailureMessage);
        Assert.Contains(other.KeyPath, mismatched.FailureMessage);
        Assert.Contains("Hub:Http:Certificate", none.FailureMessage);
        Assert.Contains("Hub:Http:Url", plain.FailureMessage);
        Assert.True(validator.Validate(null, Options(certificate.CertificatePath, certificate.KeyPath)).Succeeded);
    }

    [Fact]
    public async Task The_hub_process_exits_with_code_2_naming_the_key_and_the_file_of_a_missing_certificate()
    {
        using var directory = new TempDirectory();

        var (code, _, stderr) = await HubProgram.RunAsync(directory.Path, "serve", "--db", "hub.db", "--mqtt-listen", $"127.0.0.1:{FreeTcpPort.Next()}",
            "--http", $"https://127.0.0.1:{FreeTcpPort.Next()}", "--Hub:Http:Certificate=missing.pem", "--Hub:Http:Key=missing.key");

        Assert.Equal(2, code);
        Assert.Contains("Hub:Http:Certificate", stderr);
        Assert.Contains(directory.File("missing.pem"), stderr);
    }

    private static Dictionary<string, string?> Https(string certificate, string key) => new()
    {
        ["Hub:Http:Url"] = "https://127.0.0.1:0",
        ["Hub:Http:Certificate"] = certificate,
        ["Hub:Http:Key"] = key,
    };
}
