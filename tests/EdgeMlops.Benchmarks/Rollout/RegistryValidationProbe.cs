using System.Diagnostics;
using EdgeMlops.CloudHub.Cli;
using EdgeMlops.CloudHub.Registry;

namespace EdgeMlops.Benchmarks.Rollout;

/// <summary>Median time to register one package with the hub's registry, and what registration does.</summary>
public sealed record ValidationFigure(string Package, int Runs, double MedianMilliseconds, double MinMilliseconds, double MaxMilliseconds, string Steps);

/// <summary>
/// Registry validation time per package: the hub's own <see cref="ModelRegistration.RegisterAsync"/> (as the API and
/// <c>cloud-hub model register</c> call it) on a fresh hub store each run, so every run does the whole job rather
/// than finding the version registered. Opening the store (and making the fleet key, once) is outside the timing.
/// </summary>
public sealed class RegistryValidationProbe(string publisherKeys, string scratchDirectory)
{
    public const string Steps = "ModelRegistration: publisher signature + hashes, ONNX Runtime load vs manifest, canary set vs gate, fleet re-sign, content-addressed store";

    public async Task<ValidationFigure> RunAsync(string package, int runs, CancellationToken cancellationToken)
    {
        string? fleetKey = null;
        var times = new List<double>(runs);
        // Run 0 warms up (JIT, ONNX Runtime's first load) and makes the fleet key the others sign with.
        for (int run = 0; run <= runs; run++)
        {
            var directory = Path.Combine(scratchDirectory, $"registry-{Guid.NewGuid():N}");
            Directory.CreateDirectory(directory);
            try
            {
                List<KeyValuePair<string, string?>> settings =
                [
                    new($"{RegistryOptions.Section}:{nameof(RegistryOptions.TrustedPublishersDirectory)}", Path.GetFullPath(publisherKeys)),
                    new($"{RegistryOptions.Section}:{nameof(RegistryOptions.Directory)}", Path.Combine(directory, "models")),
                ];
                if (fleetKey is not null)
                    settings.Add(new($"{RegistryOptions.Section}:{nameof(RegistryOptions.FleetKey)}", fleetKey));
                using var store = HubStoreAccess.Open(Path.Combine(directory, "hub.db"), registry: true, settings);
                var registration = store.Get<ModelRegistration>();
                _ = store.Get<FleetKey>().PublicKeyPem;
                var clock = Stopwatch.StartNew();
                var result = await registration.RegisterAsync(Path.GetFullPath(package), "bench", notes: null, cancellationToken);
                var elapsed = clock.Elapsed.TotalMilliseconds;
                if (!result.Created)
                    throw new InvalidOperationException($"{package}: registration found the version already there; the run measured nothing");
                if (fleetKey is null)
                {
                    fleetKey = Path.Combine(scratchDirectory, $"fleet-{Guid.NewGuid():N}.key.pem");
                    File.Copy(Path.Combine(directory, "models", FleetKey.GeneratedFileName), fleetKey);
                }
                else
                {
                    times.Add(elapsed);
                }
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        times.Sort();
        return new ValidationFigure(package, runs, times[times.Count / 2], times[0], times[^1], Steps);
    }
}
