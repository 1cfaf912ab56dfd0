using EdgeMlops.CloudHub.Training;
using EdgeMlops.CloudHub.Training.Backbones;
using EdgeMlops.Inference.Preprocessing;
using EdgeMlops.Onnx;
using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using EdgeMlops.Synthetic.Vehicles;

namespace EdgeMlops.CloudHub.Tests.Training.Backbones;

public sealed class OrientedPyramidBackboneTests
{
    [Theory]
    [InlineData(64)]
    [InlineData(96)]
    [InlineData(128)]
    public void The_extractor_gives_a_unit_length_embedding_of_the_declared_width_at_any_multiple_of_16(int size)
    {
        var backbone = new OrientedPyramidBackbone(size);
        var extractor = backbone.Extractor(out var embedding);
        using var generator = new CropGenerator();
        var crops = VehicleClasses.All.Select(c => generator.Generate(c, 4, Condition.Day)).ToList();
        try
        {
            using var run = new EmbeddingExtractor(OnnxModelFile.ToBytes(extractor), backbone.Input.TensorName, embedding, ImageTensorFormat.From(backbone.Input));
            var embeddings = run.Extract(crops.Select(c => c.Image).ToList());

            Assert.Equal((size, size), (backbone.Input.Width, backbone.Input.Height));
            Assert.All(embeddings, e =>
            {
                Assert.Equal(backbone.EmbeddingSize, e.Length);
                Assert.Equal(1.0, Math.Sqrt(e.Sum(v => (double)v * v)), 3);
            });
            Assert.NotEqual(embeddings[0], embeddings[1]);
        }
        finally
        {
            crops.ForEach(c => c.Dispose());
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(100)]
    [InlineData(1024)]
    public void Sizes_the_pyramid_cannot_pool_evenly_are_refused(int size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new OrientedPyramidBackbone(size));

    [Fact]
    public void A_scrambled_head_scores_each_class_with_the_next_ones_weights()
    {
        var head = new LinearHead(new float[,] { { 1, 0 }, { 0, 1 }, { 2, 2 } }, [0.1f, 0.2f, 0.3f]);

        var scrambled = head.ScrambledByOneLabel();

        Assert.Equal(new float[] { 0, 1, 2, 2, 1, 0 }, scrambled.FlatWeights());
        Assert.Equal(new[] { 0.2f, 0.3f, 0.1f }, scrambled.Bias);
    }
}
