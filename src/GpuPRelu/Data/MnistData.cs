using System.Globalization;
using GpuPRelu.IO;

namespace GpuPRelu.Data;

/// <summary>MNIST from its IDX files (data/mnist, see PROVENANCE.md there) as DataSets: flattened 28 × 28 images
/// with pixels in [0, 1] and labels taken mod the number of classes (2: digit parity, 10: digits), docs/design.md §2.</summary>
public static class MnistData
{
    /// <summary>Images of the training file used for training; the rest (10000) form the Valid split.</summary>
    public const int TrainRows = 50000;

    /// <summary>Pixels of an image (28 × 28): the inputs of a network on MNIST.</summary>
    public const int Inputs = 28 * 28;

    /// <summary>Images of the training file (checked when reading it).</summary>
    public const int TrainFileRows = 60000;

    /// <summary>The folder name searched for, next to the tool and in data/ of the repository.</summary>
    public const string FolderName = "mnist";

    const string TrainImages = "train-images-idx3-ubyte", TrainLabels = "train-labels-idx1-ubyte";
    const string TestImages = "t10k-images-idx3-ubyte", TestLabels = "t10k-labels-idx1-ubyte";

    /// <summary>The split's command-line name: train, valid or official-test.</summary>
    public static string Name(MnistSplit split) => split switch
    {
        MnistSplit.Train => "train",
        MnistSplit.Valid => "valid",
        _ => "official-test",
    };

    /// <summary>Parses train, valid or official-test; throws FormatException naming the accepted values.</summary>
    public static MnistSplit ParseSplit(string text) => text.Trim().ToLowerInvariant() switch
    {
        "train" => MnistSplit.Train,
        "valid" => MnistSplit.Valid,
        "official-test" => MnistSplit.OfficialTest,
        _ => throw new FormatException($"split: '{text}' is not one of train, valid, official-test"),
    };

    /// <summary>Number of images of a split.</summary>
    public static int SplitRows(MnistSplit split) => split == MnistSplit.Train ? TrainRows : TrainFileRows - TrainRows;

    /// <summary>The folder holding the IDX files (each raw or as .gz). With `dataDir`, that folder or its mnist/
    /// subfolder and nothing else; without, mnist/ next to the running assembly (the build copies data/mnist
    /// there), then data/mnist in the current folder and its parents, then above the assembly. Throws
    /// FileNotFoundException listing the places searched.</summary>
    public static string Locate(string? dataDir = null)
    {
        var candidates = new List<string>();
        if (dataDir is not null)
        {
            candidates.Add(Path.GetFullPath(dataDir));
            candidates.Add(Path.Combine(Path.GetFullPath(dataDir), FolderName));
        }
        else
        {
            candidates.Add(Path.Combine(AppContext.BaseDirectory, FolderName));
            foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                    candidates.Add(Path.Combine(dir.FullName, "data", FolderName));
            }
        }
        foreach (var folder in candidates.Distinct())
        {
            if (Find(folder, TrainImages) is not null)
                return folder;
        }
        throw new FileNotFoundException(
            $"MNIST: no {TrainImages}(.gz) in {string.Join(", ", candidates.Distinct())}; pass --data-dir with the folder "
            + "of the IDX files, or regenerate data/mnist with data/mnist/fetch-mnist.sh");
    }

    /// <summary>The split's images as a DataSet: the first `count` images of the split (all when null), pixels divided
    /// by `pixelDivisor` (255: [0, 1]), labels mod `classes` (2..10). Refuses, naming the file and the problem, IDX
    /// files that are malformed (see IdxReader), image and label files of different lengths, a training file that does
    /// not hold 60000 images, and labels above 9.</summary>
    public static DataSet Load(string folder, MnistSplit split, int classes, int? count = null, double pixelDivisor = 255)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (classes is < 2 or > 10)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "classes must be in 2..10 (labels are digits mod classes)");
        if (!(pixelDivisor > 0))
            throw new ArgumentOutOfRangeException(nameof(pixelDivisor), pixelDivisor, "pixelDivisor must be > 0");
        bool official = split == MnistSplit.OfficialTest;
        string imagesPath = Require(folder, official ? TestImages : TrainImages);
        string labelsPath = Require(folder, official ? TestLabels : TrainLabels);
        var images = IdxReader.ReadImages(imagesPath);
        var labels = IdxReader.ReadLabels(labelsPath);
        if (images.Count != labels.Count)
            throw new InvalidDataException($"{imagesPath} holds {images.Count} images but {labelsPath} holds {labels.Count} labels; "
                + "the two files must belong together");
        if (!official && images.Count != TrainFileRows)
            throw new InvalidDataException($"{imagesPath} holds {images.Count} images; the train/valid split needs the {TrainFileRows} of MNIST's training file");

        int first = split == MnistSplit.Valid ? TrainRows : 0;
        int available = official ? images.Count : SplitRows(split);
        int n = count ?? available;
        if (n < 1 || n > available)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be in 1..{available} for the {Name(split)} split");

        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            int label = labels.Data[first + i];
            if (label > 9)
                throw new InvalidDataException($"{labelsPath}: label {label.ToString(CultureInfo.InvariantCulture)} of image {first + i} is not a digit 0..9");
            y[i] = label % classes;
        }
        int inputs = images.Dims[1] * images.Dims[2];
        var x = new float[(long)n * inputs];
        Parallel.For(0, n, i =>
        {
            int row = first + i;
            var src = images.Data.AsSpan(row * inputs, inputs);
            var dst = x.AsSpan(i * inputs, inputs);
            for (int d = 0; d < inputs; d++)
                dst[d] = (float)(src[d] / pixelDivisor);
        });
        return new DataSet(x, y, n, inputs, classes);
    }

    static string? Find(string folder, string stem)
    {
        foreach (var name in new[] { stem + ".gz", stem })
        {
            var path = Path.Combine(folder, name);
            if (File.Exists(path))
                return path;
        }
        return null;
    }

    static string Require(string folder, string stem) => Find(folder, stem)
        ?? throw new FileNotFoundException($"MNIST: no {stem} or {stem}.gz in {folder}", Path.Combine(folder, stem + ".gz"));
}
