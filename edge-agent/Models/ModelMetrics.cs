using EdgeMlops.Contracts;
using EdgeMlops.Observability;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>The model manager for the scrape endpoint: what serves, where the deployment stands, what was downloaded, the shadow's share.</summary>
internal sealed class ModelMetrics(ModelSlot slot, DeploymentStatus status, ModelDownloader downloader, ShadowMode shadow) : IMetricsSource
{
    public void WriteMetrics(PrometheusTextWriter writer)
    {
        if (slot.HasModel)
        {
            var model = slot.Current;
            writer.Gauge("edgemlops_model_info", "The model serving now (always 1), by name, version and load generation")
                .Sample("edgemlops_model_info", 1, ("name", model.Name), ("version", model.Version),
                    ("generation", model.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            writer.Counter("edgemlops_model_inference_errors_total", "Batches the serving model failed to classify")
                .Sample("edgemlops_model_inference_errors_total", model.Health.Errors);
        }
        if (status.Deployment is { } deployment)
        {
            var gauge = writer.Gauge("edgemlops_model_deployment_state", "1 for the state the last desired version is in, by state");
            foreach (var state in Enum.GetValues<ModelDeploymentState>())
                gauge.Sample("edgemlops_model_deployment_state", state == deployment.State ? 1 : 0,
                    ("name", deployment.Name), ("version", deployment.Version), ("state", WireName(state)));
        }
        writer.Counter("edgemlops_model_download_bytes_total", "Package bytes downloaded from the hub")
            .Sample("edgemlops_model_download_bytes_total", downloader.BytesDownloaded);
        writer.Counter("edgemlops_model_shadow_crops_total", "Crops the shadow challenger classified, and those its queue had no room for")
            .Sample("edgemlops_model_shadow_crops_total", shadow.Compared, ("outcome", "compared"))
            .Sample("edgemlops_model_shadow_crops_total", shadow.Dropped, ("outcome", "dropped"));
    }

    // As the contract spells the states.
    private static string WireName(ModelDeploymentState state) =>
        state == ModelDeploymentState.RolledBack ? "rolled-back" : state.ToString().ToLowerInvariant();
}
