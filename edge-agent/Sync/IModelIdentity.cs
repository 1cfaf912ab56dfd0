namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>The classifier the device runs, as the reported state names it.</summary>
public interface IModelIdentity
{
    string Name { get; }
    string Version { get; }
}
