enum UIModule {}
