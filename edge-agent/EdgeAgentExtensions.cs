namespace EdgeMlops.EdgeAgent;

/// <summary>All of the edge agent's wiring, in one place.</summary>
public static class EdgeAgentExtensions
{
    public static HostApplicationBuilder AddEdgeAgent(this HostApplicationBuilder builder)
    {
        return builder;
    }
}
