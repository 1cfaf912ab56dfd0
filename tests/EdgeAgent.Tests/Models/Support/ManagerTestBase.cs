using EdgeMlops.EdgeAgent.Models;

namespace EdgeMlops.EdgeAgent.Tests.Models.Support;

/// <summary>
/// What the model manager's tests share: fleet-signed versions 1.0.0 (served at start) and 2.0.0, a real download
/// server holding both, and a state folder of the test's own.
/// </summary>
public abstract class ManagerTestBase : IAsyncLifetime
{
    internal FleetPackages Packages { get; } = new();
    internal TempDirectory State { get; } = new("edgemlops-models-");
    internal ModelDownloadServer Server { get; private set; } = null!;
    internal string V1 { get; private set; } = null!;
    internal string V2 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        V1 = Packages.Build("1.0.0");
        V2 = Packages.Build("2.0.0");
        Server = await ModelDownloadServer.StartAsync(ManagerRig.DeviceId, ManagerRig.Secret);
        Server.Serve(V1);
        Server.Serve(V2);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        State.Dispose();
        Packages.Dispose();
    }

    internal ManagerRig Rig(Action<ModelOptions>? configure = null, Func<ModelOptions, ModelValidation>? validation = null) =>
        new(Packages, State.Path, V1, configure, validation);
}
