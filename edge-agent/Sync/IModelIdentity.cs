using EdgeMlops.EdgeAgent.Models;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>The classifier the device runs, as the reported state names it.</summary>
public interface IModelIdentity
{
    string Name { get; }
    string Version { get; }
}

/// <summary>The <see cref="ActiveModel"/>'s package name and version.</summary>
internal sealed class ActiveModelIdentity(ActiveModel model) : IModelIdentity
{
    public string Name => model.Name;
    public string Version => model.Version;
}
