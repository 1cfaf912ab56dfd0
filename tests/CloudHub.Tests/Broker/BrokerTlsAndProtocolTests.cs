using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using MQTTnet;

namespace EdgeMlops.CloudHub.Tests.Broker;

/// <summary>MQTT over TLS on the embedded broker, and clients below MQTT 5 refused at CONNECT.</summary>
public sealed class BrokerTlsAndProtocolTests
{
    [Fact]
    public async Task A_device_trusting_the_hub_certificate_connects_over_tls_and_its_telemetry_is_stored()
    {
        using var directory = new TempDirectory();
        var certificate = await SelfSignedCertificate.CreateAsync(directory.Path);
        await using var hub = await InProcessHub.StartAsync(settings: Tls(certificate.CertificatePath, certificate.KeyPath));
        var secret = hub.Enroll("dev-a");
        var root = X509Certificate2.CreateFromPem(File.ReadAllText(certificate.CertificatePath));
        await using var device = await TestDevice.ConnectAsync(hub.Port, "dev-a", secret, b => b.WithTlsOptions(tls => tls
            .UseTls().WithTargetHost("localhost").WithTrustChain([root])));

        var ack = await device.PublishAsync(Topics.Telemetry("dev-a"), DevicePayloads.Telemetry("dev-a", 1, 3));

        Assert.Equal(MqttClientPublishReasonCode.Success, ack.ReasonCode);
        Assert.Equal([1L, 2, 3], hub.Seqs("dev-a"));
    }

    [Fact]
    public async Task A_device_that_does_not_trust_the_certificate_and_a_plain_client_are_not_connected()
    {
        using var directory = new TempDirectory();
        var certificate = await SelfSignedCertificate.CreateAsync(directory.Path);
        await using var hub = await InProcessHub.StartAsync(settings: Tls(certificate.CertificatePath, certificate.KeyPath));
        var secret = hub.Enroll("dev-a");

        Assert.False(await ConnectsAsync(hub.Port, secret, b => b.WithTlsOptions(tls => tls.UseTls().WithTargetHost("localhost"))));
        Assert.False(await ConnectsAsync(hub.Port, secret, _ => { }));
        Assert.Empty(hub.Seqs("dev-a"));
    }

    [Fact]
    public async Task Missing_files_and_a_certificate_without_key_are_refused_naming_key_and_file()
    {
        using var directory = new TempDirectory();
        var certificate = await SelfSignedCertificate.CreateAsync(directory.Path, "hub");
        var other = await SelfSignedCertificate.CreateAsync(directory.Path, "other");
        var validator = new BrokerOptionsValidator();

        var missing = validator.Validate(null, new BrokerOptions { Certificate = directory.File("nope.pem"), Key = certificate.KeyPath });
        var mismatched = validator.Validate(null, new BrokerOptions { Certificate = certificate.CertificatePath, Key = other.KeyPath });
        var noKey = validator.Validate(null, new BrokerOptions { Certificate = certificate.CertificatePath });

        Assert.Contains("Hub:Broker:Certificate", missing.FailureMessage);
        Assert.Contains(directory.File("nope.pem"), missing.FailureMessage);
        Assert.Contains("Hub:Broker:Key", mismatched.FailureMessage);
        Assert.Contains(other.KeyPath, mismatched.FailureMessage);
        Assert.Contains("Hub:Broker:Key", noKey.FailureMessage);
        Assert.True(validator.Validate(null, new BrokerOptions { Certificate = certificate.CertificatePath, Key = certificate.KeyPath }).Succeeded);
    }

    [Fact]
    public async Task A_hub_process_with_a_missing_broker_key_file_exits_2_naming_key_and_file()
    {
        using var directory = new TempDirectory();
        var certificate = await SelfSignedCertificate.CreateAsync(directory.Path);

        var (code, _, stderr) = await HubProgram.RunAsync(directory.Path, "serve", "--db", "hub.db", "--mqtt-listen", $"127.0.0.1:{FreeTcpPort.Next()}",
            "--http", $"http://127.0.0.1:{FreeTcpPort.Next()}", $"--Hub:Broker:Certificate={certificate.CertificatePath}", $"--Hub:Broker:Key={directory.File("gone.pem")}");

        Assert.Equal(2, code);
        Assert.Contains("Hub:Broker:Key", stderr);
        Assert.Contains(directory.File("gone.pem"), stderr);
    }

    [Fact]
    public async Task An_mqtt_3_1_1_client_is_refused_at_connect_so_no_refused_publish_looks_stored_to_it()
    {
        await using var hub = await InProcessHub.StartAsync();
        var secret = hub.Enroll("dev-a");

        using var raw = await RawMqttSocket.ConnectAsync(hub.Port);
        await raw.SendAsync(RawMqttSocket.Connect("dev-a", "dev-a", secret, level: 4));
        var connack = await raw.ReceiveAsync(TimeSpan.FromSeconds(10));

        // CONNACK, 2 bytes, no session present, return code 1: unacceptable protocol version.
        Assert.Equal(new byte[] { 0x20, 0x02, 0x00, 0x01 }, connack);
        Assert.Equal(1, hub.BrokerMetrics.RefusedConnections(ConnectionRefusal.UnsupportedProtocolVersion));
    }

    [Fact]
    public async Task Mosquitto_pub_speaking_3_1_1_does_not_get_a_success_acknowledgement_for_a_publish_the_hub_refuses()
    {
        Assert.True(File.Exists("/usr/bin/mosquitto_pub"), "mosquitto_pub is missing: the edge-mlops script installs mosquitto-clients");
        await using var hub = await InProcessHub.StartAsync();
        var secret = hub.Enroll("dev-a");

        var (code, output) = await MosquittoPubAsync("-V", "mqttv311", "-h", "127.0.0.1", "-p", hub.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-i", "dev-a", "-u", "dev-a", "-P", secret, "-q", "1", "-t", Topics.Telemetry("dev-a"), "-m", "not a telemetry batch");

        Assert.NotEqual(0, code);
        Assert.Contains("protocol version", output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, hub.BrokerMetrics.Acks(AckOutcome.Success));
        Assert.Equal(0, hub.BrokerMetrics.MessagesIn(DeviceChannel.Telemetry));
    }

    private static async Task<bool> ConnectsAsync(int port, string secret, Action<MqttClientOptionsBuilder> configure)
    {
        try
        {
            var (device, _) = await TestDevice.TryConnectAsync(port, "dev-a", "dev-a", secret, b => configure(b.WithTimeout(TimeSpan.FromSeconds(3))));
            if (device is null)
                return false;
            await device.DisposeAsync();
            return true;
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            return false;
        }
    }

    private static Dictionary<string, string?> Tls(string certificate, string key) => new()
    {
        ["Hub:Broker:Certificate"] = certificate,
        ["Hub:Broker:Key"] = key,
    };

    private static async Task<(int Code, string Output)> MosquittoPubAsync(params string[] args)
    {
        var info = new ProcessStartInfo("/usr/bin/mosquitto_pub") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
