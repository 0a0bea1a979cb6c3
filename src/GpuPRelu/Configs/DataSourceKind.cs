namespace GpuPRelu.Configs;

/// <summary>Where the samples of an evaluation or attack come from.</summary>
public enum DataSourceKind
{
    /// <summary>The subclass mixture of docs/design.md §1, drawn for the network's input dimension.</summary>
    Synthetic,

    /// <summary>MNIST from data/mnist (MnistData).</summary>
    Mnist,

    /// <summary>The user's feature table, CSV or .npy (FeatureTable).</summary>
    Features,
}
