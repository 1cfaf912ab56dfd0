using EdgeMlops.CloudHub.Broker;
using EdgeMlops.Messaging;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>
/// <c>broker mosquitto-config --out DIR [--db PATH] [--port N] [--user NAME]</c>: writes a Mosquitto configuration
/// with the same rules as the embedded broker (see <see cref="MosquittoConfig"/>).
/// </summary>
public sealed class BrokerMosquittoConfigCommand : ICliCommand
{
    public string Name => "broker mosquitto-config";
    public string Usage => "--out DIR [--db PATH] [--port N] [--user NAME]";
    public string Summary => "Write mosquitto.conf, passwords (enrolled devices + the hub account), acl and hub.secret into DIR for an external Mosquitto broker.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var directory = arguments.Required("out");
        var db = arguments.Optional("db");
        var port = arguments.Int("port", BrokerAddress.DefaultPort, 1, 65535);
        var user = arguments.Optional("user");
        arguments.RejectUnknown();

        using var store = HubStoreAccess.Open(db);
        MosquittoConfig.Written written;
        try
        {
            written = MosquittoConfig.Write(directory, store.Devices.List(), port, user);
        }
        catch (ArgumentException ex)
        {
            output.WriteLine($"cannot write the Mosquitto configuration: {ex.Message}");
            return Task.FromResult(1);
        }
        output.WriteLine($"wrote {written.ConfPath} with {written.Devices} device(s) and the hub account {MosquittoConfig.HubAccount}");
        output.WriteLine($"hub password: {written.HubSecretPath}{(written.HubSecretCreated ? " (new)" : " (kept)")}");
        output.WriteLine($"alerts:  mosquitto_sub -p {port} -u {MosquittoConfig.ObserverAccount} -P \"$(cat {written.ObserverSecretPath})\" -t '{Contracts.Topics.AllAlerts}' -v");
        output.WriteLine($"start: mosquitto -c {written.ConfPath}");
        output.WriteLine($"hub:   cloud-hub serve --broker mqtt://127.0.0.1:{port} --Hub:Broker:PasswordFile={written.HubSecretPath}");
        return Task.FromResult(0);
    }
}
