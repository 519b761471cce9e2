"""The two architectures. The small one has well under a tenth of the full one's parameters.
Both answer CLASSES logits: the ten digits, then "not a digit"."""
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

DIGITS = 10
REJECT = DIGITS  # the reject class's index: the output after the digits
CLASSES = DIGITS + 1


def conv_bn(inputs, outputs):
    return [nn.Conv2d(inputs, outputs, 3), nn.BatchNorm2d(outputs), nn.ReLU()]


class FullNet(nn.Module):
    """Four 3x3 convolutions with batch norm in two blocks, then two dense layers (about 200k parameters)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            *conv_bn(1, 32), *conv_bn(32, 32), nn.MaxPool2d(2),
            *conv_bn(32, 64), *conv_bn(64, 64), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(64 * 4 * 4, 128), nn.ReLU(),
            nn.Dropout(0.25),
            nn.Linear(128, CLASSES),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


class SmallNet(nn.Module):
    """Three narrow convolutions with pooling and one dense layer (about 16k parameters)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 24, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(24, 40, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(40 * 3 * 3, CLASSES))

    def forward(self, x):
        return self.classifier(self.features(x))


def fold_batchnorm(model):
    """Folds every BatchNorm that follows a Conv into the Conv (eval mode), so the export holds only Conv."""
    model.eval()
    for sequence in [m for m in model.modules() if isinstance(m, nn.Sequential)]:
        layers = list(sequence)
        for i in range(len(layers) - 1):
            if isinstance(layers[i], nn.Conv2d) and isinstance(layers[i + 1], nn.BatchNorm2d):
                sequence[i] = fuse_conv_bn_eval(layers[i], layers[i + 1])
                sequence[i + 1] = nn.Identity()
    return model


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())
