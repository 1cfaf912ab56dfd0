using EdgeMlops.CloudHub.Broker;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Tests.Cli;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Broker;

/// <summary><c>cloud-hub broker mosquitto-config</c>: the files Mosquitto needs for the same rules as the embedded broker.</summary>
public sealed class MosquittoConfigTests
{
    [Fact]
    public async Task Writes_conf_passwords_acl_and_a_private_hub_secret_that_survives_a_rerun()
    {
        using var directory = new TempDirectory();
        var db = directory.File("hub.db");
        var enroll = await CliRunner.RunAsync("device", "enroll", "dev-a", "--db", db);
        Assert.Equal(0, enroll.ExitCode);
        var output = directory.File("mosquitto");

        var first = await CliRunner.RunAsync("broker", "mosquitto-config", "--out", output, "--db", db, "--port", "18830");
        var secret = await File.ReadAllTextAsync(Path.Combine(output, MosquittoConfig.HubSecretFile));
        var second = await CliRunner.RunAsync("broker", "mosquitto-config", "--out", output, "--db", db, "--port", "18830");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(secret, await File.ReadAllTextAsync(Path.Combine(output, MosquittoConfig.HubSecretFile)));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(output, MosquittoConfig.HubSecretFile)));

        var conf = await File.ReadAllLinesAsync(Path.Combine(output, MosquittoConfig.ConfFile));
        Assert.Contains("listener 18830 127.0.0.1", conf);
        Assert.Contains("allow_anonymous false", conf);
        Assert.Contains("use_username_as_clientid true", conf);
        Assert.Contains("persistence true", conf);
        Assert.Contains($"max_queued_messages {MosquittoConfig.MaxQueuedMessages}", conf);
        Assert.Contains(conf, l => l.StartsWith("max_packet_size ", StringComparison.Ordinal) && int.Parse(l.Split(' ')[1]) > PayloadLimits.TelemetryBytes);

        var passwords = (await File.ReadAllLinesAsync(Path.Combine(output, MosquittoConfig.PasswordFile))).ToDictionary(l => l.Split(':')[0], l => l.Split(':', 2)[1]);
        Assert.Equal(["dev-a", MosquittoConfig.HubAccount, MosquittoConfig.ObserverAccount], passwords.Keys.Order(StringComparer.Ordinal));
        Assert.True(MosquittoPasswordHash.Verify(secret.TrimEnd('\n'), passwords[MosquittoConfig.HubAccount]));
        var deviceSecret = System.Text.Json.JsonDocument.Parse(enroll.Output).RootElement.GetProperty("secret").GetString()!;
        Assert.True(MosquittoPasswordHash.Verify(deviceSecret, passwords["dev-a"]));

        var acl = await File.ReadAllLinesAsync(Path.Combine(output, MosquittoConfig.AclFile));
        Assert.Contains("pattern write edgemlops/v1/devices/%u/telemetry", acl);
        Assert.Contains("pattern read edgemlops/v1/devices/%u/desired", acl);
        Assert.DoesNotContain(acl, l => l.Contains("%u/desired") && l.Contains("write"));
        Assert.Contains($"user {MosquittoConfig.HubAccount}", acl);
    }

    [Fact]
    public async Task Without_out_it_is_a_usage_error()
    {
        var (code, _, error) = await CliRunner.RunAsync("broker", "mosquitto-config");

        Assert.Equal(2, code);
        Assert.Contains("--out", error);
    }
}
