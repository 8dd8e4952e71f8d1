"""TensorFlow imported quietly (see reportgen.tfenv) before this package's modules import
keras, which would otherwise import it with its start-up chatter on stderr."""

from reportgen.tfenv import tensorflow

tensorflow()
