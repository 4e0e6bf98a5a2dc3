"""Recognition engine: plate detection, OCR and state classification on ONNX models."""
