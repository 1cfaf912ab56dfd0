namespace EdgeMlops.CloudHub.Training;

/// <summary>Fixed filter banks of the HOG-like backbones, as Conv weights.</summary>
public static class OrientedFilters
{
    /// <summary>
    /// First derivatives of a Gaussian along theta_k = k * pi / <paramref name="orientations"/>, each normalised to
    /// unit L1 norm: weights of a Conv [orientations, 1, size, size] (unsigned orientation once Abs follows).
    /// </summary>
    public static float[] DerivativesOfGaussian(int orientations, int size, double sigma)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(orientations, 1);
        if (size < 3 || size % 2 == 0) throw new ArgumentOutOfRangeException(nameof(size), size, "The kernel size must be odd and at least 3.");
        int r = size / 2;
        var weights = new float[orientations * size * size];
        for (int o = 0; o < orientations; o++)
        {
            double theta = o * Math.PI / orientations, c = Math.Cos(theta), s = Math.Sin(theta);
            var kernel = new double[size * size];
            for (int y = -r; y <= r; y++)
                for (int x = -r; x <= r; x++)
                    kernel[(y + r) * size + (x + r)] = -(x * c + y * s) / (sigma * sigma) * Math.Exp(-(x * x + y * y) / (2 * sigma * sigma));
            double norm = kernel.Sum(Math.Abs);
            for (int i = 0; i < kernel.Length; i++) weights[o * size * size + i] = (float)(kernel[i] / norm);
        }
        return weights;
    }

    /// <summary>
    /// Per orientation group g of a grouped 3x3 Conv [2 * orientations, 1, 3, 3]: output 2g is a box (block
    /// energy), output 2g+1 the centre minus the mean of its 8 neighbours (local structure: wheel arches, pillars, steps).
    /// </summary>
    public static float[] BlockAndCentreSurround(int orientations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(orientations, 1);
        var weights = new float[2 * orientations * 9];
        for (int g = 0; g < orientations; g++)
        {
            for (int i = 0; i < 9; i++)
            {
                weights[(2 * g) * 9 + i] = 1f / 9;
                weights[(2 * g + 1) * 9 + i] = i == 4 ? 1f : -1f / 8;
            }
        }
        return weights;
    }
}
