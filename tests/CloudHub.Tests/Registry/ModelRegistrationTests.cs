using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Packaging;

namespace EdgeMlops.CloudHub.Tests.Registry;

public sealed class ModelRegistrationTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private InProcessHub _hub = null!;

    private ModelRegistration Registration => _hub.Get<ModelRegistration>();

    public Task InitializeAsync()
    {
        _hub = new InProcessHub(settings: TestPackages.TrustDevKey);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task The_bundled_package_comes_back_signed_by_the_fleet_key_and_not_the_publisher_key()
    {
        var result = await Registration.RegisterAsync(RepositoryPaths.SeedModel, "alice", "first seed", CancellationToken.None);

        Assert.True(result.Created);
        Assert.Equal(("vehicle-classifier", "1.0.0", "alice", "first seed"), (result.Version.Name, result.Version.Version, result.Version.RegisteredBy, result.Version.Notes));
        var stored = TestPackages.Materialize(_hub, "vehicle-classifier", "1.0.0", _temp.File("stored"));
        var fleetTrust = new TrustedKeys();
        var fleetKeyId = fleetTrust.Add(_hub.Get<FleetKey>().PublicKeyPem);
        var verified = ModelPackageVerifier.Verify(stored, fleetTrust);
        Assert.Equal(fleetKeyId, verified.KeyId);
        var publisherOnly = Assert.Throws<ModelPackageException>(() => ModelPackageVerifier.Verify(stored, TrustedKeys.FromDirectory(RepositoryPaths.Keys)));
        Assert.Equal(ModelPackageError.UntrustedKey, publisherOnly.Error);
        Assert.Equal(_hub.Get<IModelCatalog>().Resolve("vehicle-classifier", "1.0.0")?.ManifestSha256, result.Version.ManifestSha256);
        Assert.Contains(_hub.Get<AuditLog>().Page(null, 10), e => e is { Actor: "alice", Action: ModelRegistration.AuditAction, Target: "vehicle-classifier@1.0.0", Outcome: "ok" });
    }

    [Fact]
    public async Task The_same_package_again_is_a_no_op_and_other_content_under_the_same_version_is_refused()
    {
        var first = await Registration.RegisterAsync(RepositoryPaths.SeedModel, "alice", null, CancellationToken.None);
        var again = await Registration.RegisterAsync(TestPackages.Zip(RepositoryPaths.SeedModel, _temp.File("seed.zip")), "bob", null, CancellationToken.None);
        var other = TestPackages.Write(_temp.File("other"), draft => draft with { Lineage = draft.Lineage with { Notes = "retrained" } });

        var refused = await Assert.ThrowsAsync<RegistrationRefusedException>(() => Registration.RegisterAsync(other, "bob", null, CancellationToken.None));

        Assert.False(again.Created);
        Assert.Equal(first.Version.ManifestSha256, again.Version.ManifestSha256);
        Assert.True(refused.IsConflict);
        Assert.Equal(RegistrationChecks.Immutable, refused.Check);
        Assert.Single(_hub.Get<ModelVersionBook>().All());
    }

    [Fact]
    public async Task A_tampered_zip_is_refused_naming_the_files_check_and_the_file()
    {
        var package = TestPackages.Write(_temp.File("pkg"));
        var model = Path.Combine(package, PackageLayout.ModelFile);
        var bytes = File.ReadAllBytes(model);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(model, bytes);

        var refused = await Assert.ThrowsAsync<RegistrationRefusedException>(() =>
            Registration.RegisterAsync(TestPackages.Zip(package, _temp.File("tampered.zip")), "alice", null, CancellationToken.None));

        Assert.Equal((RegistrationChecks.Files, PackageLayout.ModelFile), (refused.Check, refused.File));
        Assert.Contains("FileTampered", refused.Message);
        Assert.Empty(_hub.Get<ModelVersionBook>().All());
        Assert.Equal(1, _hub.Get<RegistryMetrics>().Refused(RegistrationChecks.Files));
    }

    [Fact]
    public async Task A_package_from_an_untrusted_publisher_is_refused_by_the_signature_check()
    {
        using var stranger = SigningKey.Generate();
        var package = TestPackages.Write(_temp.File("pkg"), key: stranger);

        var refused = await Assert.ThrowsAsync<RegistrationRefusedException>(() => Registration.RegisterAsync(package, "alice", null, CancellationToken.None));

        Assert.Equal((RegistrationChecks.Signature, PackageLayout.ManifestFile), (refused.Check, Path.GetFileName(refused.File)));
        Assert.Contains("UntrustedKey", refused.Message);
    }

    [Fact]
    public async Task A_label_count_other_than_the_output_width_is_refused_by_the_graph_check()
    {
        var package = TestPackages.Write(_temp.File("pkg"), draft => draft with { Labels = [.. draft.Labels, "pickup"] });

        var refused = await Assert.ThrowsAsync<RegistrationRefusedException>(() => Registration.RegisterAsync(package, "alice", null, CancellationToken.None));

        Assert.Equal((RegistrationChecks.Graph, PackageLayout.ModelFile), (refused.Check, refused.File));
        Assert.Contains("6 labels", refused.Message);
    }

    [Fact]
    public async Task A_model_that_fails_its_first_run_at_load_is_refused_by_the_graph_check_and_audited()
    {
        var model = TestPackages.WriteFailingOnEveryRunModel(_temp.File("failing.onnx"));
        var package = TestPackages.Write(_temp.File("pkg"), modelPath: model);

        var refused = await Assert.ThrowsAsync<RegistrationRefusedException>(() => Registration.RegisterAsync(package, "alice", null, CancellationToken.None));

        Assert.Equal((RegistrationChecks.Graph, PackageLayout.ModelFile), (refused.Check, refused.File));
        Assert.Contains("out of data bounds", refused.Message);
        Assert.Contains(_hub.Get<AuditLog>().Page(null, 10), e => e.Action == ModelRegistration.AuditAction && e.Outcome.StartsWith("refused: graph", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_model_that_fails_when_the_canary_set_runs_is_refused_by_the_canary_check_and_audited()
    {
        var model = TestPackages.WriteFailingOnBatchesModel(_temp.File("failing.onnx"));
        var package = TestPackages.Write(_temp.File("pkg"), modelPath: model);

        var refused = await Assert.ThrowsAsync<RegistrationRefusedException>(() => Registration.RegisterAsync(package, "alice", null, CancellationToken.None));

        Assert.Equal((RegistrationChecks.Canary, PackageLayout.CanaryDirectory), (refused.Check, refused.File));
        Assert.Contains(_hub.Get<AuditLog>().Page(null, 10), e => e.Action == ModelRegistration.AuditAction && e.Outcome.StartsWith("refused: canary", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_model_whose_canary_precision_is_under_its_gate_is_refused_by_the_canary_check()
    {
        // Labels rotated by one: every canary image is read as another class, so precision falls far under the gate.
        var package = TestPackages.Write(_temp.File("pkg"), draft => draft with
        {
            Labels = [.. draft.Labels.Skip(1), draft.Labels[0]],
            Gate = new CanaryGate { MinMacroPrecision = 0.5 },
        });

        var refused = await Assert.ThrowsAsync<RegistrationRefusedException>(() => Registration.RegisterAsync(package, "alice", null, CancellationToken.None));

        Assert.Equal((RegistrationChecks.Canary, PackageLayout.CanaryDirectory), (refused.Check, refused.File));
        Assert.Contains("under the manifest's gate", refused.Message);
        Assert.Contains(_hub.Get<AuditLog>().Page(null, 10), e => e.Action == ModelRegistration.AuditAction && e.Outcome.StartsWith("refused: canary", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_package_that_reaches_its_gate_keeps_the_canary_score_the_hub_measured()
    {
        var package = TestPackages.Write(_temp.File("pkg"), draft => draft with { Version = "1.0.1", Gate = new CanaryGate { MinMacroPrecision = 0.3 } });

        var result = await Registration.RegisterAsync(package, "alice", null, CancellationToken.None);

        Assert.Contains("\"macroPrecision\"", result.Version.CanaryMetricsJson);
        Assert.Contains("\"set\":\"canary\"", result.Version.CanaryMetricsJson);
    }
}
